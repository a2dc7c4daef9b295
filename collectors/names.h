/* SPDX-License-Identifier: MIT */
/* Label values shared by the collectors: the kernel's enums as the Go exporter spells
 * them, ids as decimal, object names and tags.
 *
 * The enum functions return a static string, or for a value the table does not know (a
 * newer kernel) its decimal number written into buf. Every function returns a
 * NUL-terminated string valid while buf lives; none fails. */
#ifndef COLLECTORS_NAMES_H
#define COLLECTORS_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* Room for any number a label holds: "-" and 20 digits, and the NUL. */
#define NAMES_NUM_SIZE 24
/* An object name field of BPFSYS_OBJ_NAME_LEN bytes, NUL-terminated. */
#define NAMES_OBJ_NAME_SIZE (BPFSYS_OBJ_NAME_LEN + 1)
/* A program tag: two lowercase hex digits per byte. */
#define NAMES_TAG_SIZE (2 * BPFSYS_TAG_SIZE + 1)

const char *names_prog_type(uint32_t type, char buf[NAMES_NUM_SIZE]);
const char *names_map_type(uint32_t type, char buf[NAMES_NUM_SIZE]);
const char *names_link_type(uint32_t type, char buf[NAMES_NUM_SIZE]);
const char *names_attach_type(uint32_t type, char buf[NAMES_NUM_SIZE]);
const char *names_perf_event_type(uint32_t type, char buf[NAMES_NUM_SIZE]);

const char *names_u64(char buf[NAMES_NUM_SIZE], uint64_t v);
const char *names_i64(char buf[NAMES_NUM_SIZE], int64_t v);

/* The kernel fills all BPFSYS_OBJ_NAME_LEN bytes of a 15-character name plus NUL, but a
 * name field need not hold a NUL: copy it up to the first NUL and terminate it. */
const char *names_obj_name(char buf[NAMES_OBJ_NAME_SIZE], const char field[BPFSYS_OBJ_NAME_LEN]);
const char *names_tag(char buf[NAMES_TAG_SIZE], const uint8_t tag[BPFSYS_TAG_SIZE]);

#endif
