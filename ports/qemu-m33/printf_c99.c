/*
 * C99 printf length modifiers for Debian's newlib, which is built without
 * _WANT_IO_C99_FORMATS: its printf prints "%zu" as "zu" without consuming
 * the argument, so every later conversion takes the wrong argument (a "%s"
 * after a "%zu" then dereferences a size_t and faults). The test sources
 * print sizes with %zu, as they should.
 *
 * Linked with -Wl,--wrap=printf,... (cmake/arm-none-eabi-m33.cmake): each
 * wrapper rewrites the format - drops z and t (size_t and ptrdiff_t are int
 * sized on this target, checked below) and turns j into ll - then calls
 * newlib's function. Formats longer than the rewrite buffer pass unchanged.
 *
 * Test/port code only: the library itself has no stdio.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(size_t) == sizeof(unsigned int), "%zu -> %u needs int-sized size_t");
_Static_assert(sizeof(ptrdiff_t) == sizeof(int), "%td -> %d needs int-sized ptrdiff_t");
_Static_assert(sizeof(intmax_t) == sizeof(long long), "%jd -> %lld needs long long intmax_t");

#define FMT_MAX 256

int __real_vfprintf(FILE *fp, const char *fmt, va_list ap);
int __real_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int __real_vsprintf(char *buf, const char *fmt, va_list ap);
int __wrap_printf(const char *fmt, ...);
int __wrap_vprintf(const char *fmt, va_list ap);
int __wrap_fprintf(FILE *fp, const char *fmt, ...);
int __wrap_vfprintf(FILE *fp, const char *fmt, va_list ap);
int __wrap_snprintf(char *buf, size_t size, const char *fmt, ...);
int __wrap_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int __wrap_sprintf(char *buf, const char *fmt, ...);
int __wrap_vsprintf(char *buf, const char *fmt, va_list ap);

/* fmt with z/t removed and j -> ll, in out[FMT_MAX]; fmt itself when there
 * is nothing to rewrite or it does not fit. */
static const char *c99_fmt(const char *fmt, char *out)
{
	const char *p = fmt;
	size_t n = 0;
	int changed = 0;

	while (*p != '\0') {
		char c = *p++;

		if (n + 3 >= FMT_MAX) {
			return fmt;
		}
		out[n++] = c;
		if (c != '%') {
			continue;
		}
		if (*p == '%') {
			out[n++] = *p++;
			continue;
		}
		/* flags, width, precision */
		while (*p != '\0' && strchr("-+ #0123456789.*", *p) != NULL) {
			if (n + 3 >= FMT_MAX) {
				return fmt;
			}
			out[n++] = *p++;
		}
		if (*p == 'z' || *p == 't') {
			p++;
			changed = 1;
		} else if (*p == 'j') {
			p++;
			out[n++] = 'l';
			out[n++] = 'l';
			changed = 1;
		}
	}
	out[n] = '\0';
	return changed ? out : fmt;
}

int __wrap_vfprintf(FILE *fp, const char *fmt, va_list ap)
{
	char f[FMT_MAX];

	return __real_vfprintf(fp, c99_fmt(fmt, f), ap);
}

int __wrap_vprintf(const char *fmt, va_list ap)
{
	return __wrap_vfprintf(stdout, fmt, ap);
}

int __wrap_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __wrap_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int __wrap_fprintf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __wrap_vfprintf(fp, fmt, ap);
	va_end(ap);
	return r;
}

int __wrap_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	char f[FMT_MAX];

	return __real_vsnprintf(buf, size, c99_fmt(fmt, f), ap);
}

int __wrap_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __wrap_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

int __wrap_vsprintf(char *buf, const char *fmt, va_list ap)
{
	char f[FMT_MAX];

	return __real_vsprintf(buf, c99_fmt(fmt, f), ap);
}

int __wrap_sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __wrap_vsprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}
