/* SPDX-License-Identifier: MIT */
#include "http.h"

static const char *const reasons[] = {
	[HTTP_S_OK] = "OK",
	[HTTP_S_BAD_REQUEST] = "Bad Request",
	[HTTP_S_NOT_FOUND] = "Not Found",
	[HTTP_S_METHOD_NOT_ALLOWED] = "Method Not Allowed",
	[HTTP_S_REQUEST_TIMEOUT] = "Request Timeout",
	[HTTP_S_CONTENT_TOO_LARGE] = "Content Too Large",
	[HTTP_S_URI_TOO_LONG] = "URI Too Long",
	[HTTP_S_HEADER_FIELDS_TOO_LARGE] = "Request Header Fields Too Large",
	[HTTP_S_INTERNAL_SERVER_ERROR] = "Internal Server Error",
	[HTTP_S_NOT_IMPLEMENTED] = "Not Implemented",
	[HTTP_S_SERVICE_UNAVAILABLE] = "Service Unavailable",
	[HTTP_S_VERSION_NOT_SUPPORTED] = "HTTP Version Not Supported",
};
_Static_assert(sizeof(reasons) / sizeof(reasons[0]) == HTTP_S_COUNT,
               "reasons must end at the last enum http_status");

const char *http_status_reason(int status)
{
	if (status < 0 || status >= HTTP_S_COUNT)
		return NULL;
	return reasons[status];
}
