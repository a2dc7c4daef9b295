/* SPDX-License-Identifier: MIT */
/* Numbers as the Prometheus text format wants them: integers as integers, doubles in the
 * shortest form that reads back to the same value, NaN / +Inf / -Inf spelled like Go. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Two digits per division: half the divisions of the digit-by-digit loop. */
static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

size_t metrics_fmt_u64(char *out, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		tmp[--i] = digit_pairs[d + 1];
		tmp[--i] = digit_pairs[d];
	}
	if (v >= 10) {
		unsigned d = (unsigned)v * 2;

		tmp[--i] = digit_pairs[d + 1];
		tmp[--i] = digit_pairs[d];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	memcpy(out, tmp + i, sizeof(tmp) - i);
	return sizeof(tmp) - i;
}

size_t metrics_fmt_i64(char *out, int64_t v)
{
	if (v >= 0)
		return metrics_fmt_u64(out, (uint64_t)v);
	/* 0 - (uint64_t)v is the magnitude even for INT64_MIN, where -v would overflow */
	out[0] = '-';
	return 1 + metrics_fmt_u64(out + 1, 0 - (uint64_t)v);
}

/* %g follows LC_NUMERIC; the exposition format always wants a dot. */
static void force_dot(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',')
			s[i] = '.';
}

/* Exact powers of ten: every 10^n with n <= 22 is a double. */
static const double exact_pow10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                              1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	                              1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* The 15 significant digits m and decimal exponent k of a > 0 when m * 10^(k-14) reads
 * back as a, which makes m exactly what %.15g prints (only one 15-digit decimal lies
 * within half an ulp). Clinger's fast path run backwards: with m < 2^53 and an exact
 * power of ten, one multiplication or division rounds the way strtod() would, so the
 * check needs no strtod(). Returns 1 (found), 0 (15 digits do not read back) or -1 (out
 * of the fast path's range, or x87 excess precision would break its rounding). */
static int digits15(double a, uint64_t *m, int *k)
{
	uint64_t bits;
	int e2, kk;

	if (FLT_EVAL_METHOD != 0)
		return -1;
	memcpy(&bits, &a, sizeof(bits));
	e2 = (int)(bits >> 52) - 1023;
	/* floor(e2 * log10(2)) within one; the loop corrects it */
	kk = e2 >= 0 ? (e2 * 1233) >> 12 : -((-e2 * 1233 + 4095) >> 12);
	for (int tries = 0; tries < 3; tries++) {
		int s = kk - 14;
		double d, back;

		if (s < -22 || s > 22)
			return -1;
		/* d is off a / 10^s by at most 1/16, while a 15-digit form that reads back lies
		 * within 0.11 of it: rounding d finds that form, a miss means there is none */
		d = s >= 0 ? a / exact_pow10[s] : a * exact_pow10[-s];
		/* pick the exponent at which m has exactly 15 digits, as %.15g would */
		if (d >= 999999999999999.5) {
			kk++;
			continue;
		}
		if (d < 1e14) {
			kk--;
			continue;
		}
		*m = (uint64_t)(d + 0.5);
		back = s >= 0 ? (double)*m * exact_pow10[s] : (double)*m / exact_pow10[-s];
		*k = kk;
		return back == a && *m < 1000000000000000u;
	}
	return -1;
}

/* m (15 digits) times 10^(k-14) the way %.15g lays it out. */
static size_t layout15(char *out, bool neg, uint64_t m, int k)
{
	char d[METRICS_NUM_SIZE];
	size_t n = metrics_fmt_u64(d, m), i = 0;

	while (n > 1 && d[n - 1] == '0')
		n--;
	if (neg)
		out[i++] = '-';
	if (k < -4 || k >= 15) {
		out[i++] = d[0];
		if (n > 1) {
			out[i++] = '.';
			memcpy(out + i, d + 1, n - 1);
			i += n - 1;
		}
		out[i++] = 'e';
		out[i++] = k < 0 ? '-' : '+';
		if (k > -10 && k < 10)
			out[i++] = '0';
		return i + metrics_fmt_u64(out + i, (uint64_t)(k < 0 ? -k : k));
	}
	if (k < 0) {
		memcpy(out + i, "0.0000", (size_t)(1 - k));
		i += (size_t)(1 - k);
		memcpy(out + i, d, n);
		return i + n;
	}
	/* trailing zeros of the integer part were only trimmed from the fraction */
	memcpy(out + i, d, (size_t)k + 1);
	i += (size_t)k + 1;
	if (n > (size_t)k + 1) {
		out[i++] = '.';
		memcpy(out + i, d + k + 1, n - (size_t)k - 1);
		i += n - (size_t)k - 1;
	}
	return i;
}

/* The first precision from prec up to 17 that reads back as v. */
static size_t fmt_printf(char *out, double v, int prec)
{
	char tmp[METRICS_NUM_SIZE];
	int n = 0;

	for (; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		/* %.17g of a double is at most 24 bytes ("-1.2345678901234567e-308"): only a
		 * broken libc gets here, and a wrong number is worse than no sample. */
		if (n <= 0 || n >= (int)sizeof(tmp))
			return 0;
		if (prec == 17 || strtod(tmp, NULL) == v)
			break;
	}
	force_dot(tmp, (size_t)n);
	memcpy(out, tmp, (size_t)n);
	return (size_t)n;
}

size_t metrics_fmt_double(char *out, double v)
{
	uint64_t m;
	int k, prec = 15;

	if (isnan(v)) {
		memcpy(out, "NaN", 3);
		return 3;
	}
	if (isinf(v)) {
		memcpy(out, v > 0 ? "+Inf" : "-Inf", 4);
		return 4;
	}
	/* Whole numbers below 1e15 print the same with %.15g as with integer formatting,
	 * which is ten times cheaper. -0.0 is left to %g, which keeps its sign. */
	if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v && !signbit(v))
		return metrics_fmt_i64(out, (int64_t)v);
	if (v != 0) {
		int found = digits15(v < 0 ? -v : v, &m, &k);

		if (found > 0)
			return layout15(out, v < 0, m, k);
		prec = found == 0 ? 16 : 15;
	}
	return fmt_printf(out, v, prec);
}

const char *metrics_u64_str(char *buf, size_t cap, uint64_t v)
{
	char tmp[METRICS_NUM_SIZE];
	size_t n = metrics_fmt_u64(tmp, v);

	if (cap == 0)
		return buf;
	if (n >= cap)
		n = 0;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}
