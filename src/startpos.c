/* startpos.c: the syntax of [replication] start's forms. */
#include "src/startpos.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A decimal number of at most max, all of [p, p + n). */
static bool
number(const char *p, size_t n, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return false;
		if (v > (max - (unsigned)(p[i] - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return true;
}

/* One MariaDB GTID: domain-server-seq. */
static bool
maria_gtid(const char *p, size_t n)
{
	const char *d1 = memchr(p, '-', n), *d2;
	unsigned long long v;

	if (d1 == NULL || (d2 = memchr(d1 + 1, '-', n - (size_t)(d1 + 1 - p))) == NULL)
		return false;
	return number(p, (size_t)(d1 - p), UINT32_MAX, &v) &&
	    number(d1 + 1, (size_t)(d2 - d1 - 1), UINT32_MAX, &v) &&
	    number(d2 + 1, n - (size_t)(d2 + 1 - p), UINT64_MAX, &v);
}

static bool
uuid(const char *p, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != '-' : !isxdigit((unsigned char)p[i]))
			return false;
	}
	return true;
}

/* One MySQL element: uuid, then ':'-separated tags and intervals (at least one interval). */
static bool
mysql_gtid(const char *p, size_t n)
{
	const char *end = p + n, *q = memchr(p, ':', n);
	bool interval = false;

	if (q == NULL || !uuid(p, (size_t)(q - p)))
		return false;
	while (q < end) {
		const char *s = q + 1, *e = memchr(s, ':', (size_t)(end - s));
		unsigned long long a, b;
		const char *dash;
		if (e == NULL)
			e = end;
		if (s == e)
			return false;
		if (isalpha((unsigned char)*s) || *s == '_') {
			/* a tag (MySQL 8.4): [a-z_][a-z0-9_]{0,31} */
			if (e - s > 32)
				return false;
			for (const char *c = s; c < e; c++)
				if (!isalnum((unsigned char)*c) && *c != '_')
					return false;
		} else {
			dash = memchr(s, '-', (size_t)(e - s));
			if (!number(s, (size_t)((dash ? dash : e) - s), INT64_MAX, &a) || a == 0)
				return false;
			if (dash && (!number(dash + 1, (size_t)(e - dash - 1), INT64_MAX, &b) ||
			    b < a))
				return false;
			interval = true;
		}
		q = e;
	}
	return interval;
}

/* Each comma-separated element of s (blanks around them allowed) passes ok. */
static bool
each(const char *s, bool (*ok)(const char *, size_t))
{
	for (;;) {
		const char *e = strchr(s, ',');
		const char *a = s, *b = e ? e : s + strlen(s);
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (!ok(a, (size_t)(b - a)))
			return false;
		if (e == NULL)
			return true;
		s = e + 1;
	}
}

enum start_kind
start_parse(const char *s, char *file, size_t flen, uint64_t *pos, char *why, size_t wlen)
{
	const char *colon;
	unsigned long long p;
	size_t fl;

	if (s == NULL || strcasecmp(s, "snapshot") == 0)
		return START_SNAPSHOT;
	if (strcasecmp(s, "current") == 0)
		return START_CURRENT;
	if (each(s, maria_gtid))
		return START_GTID_MARIADB;
	if (each(s, mysql_gtid))
		return START_GTID_MYSQL;
	colon = strrchr(s, ':');
	if (colon != NULL && !uuid(s, (size_t)(strchr(s, ':') - s))) {
		const char *dot;
		fl = (size_t)(colon - s);
		dot = NULL;
		for (size_t i = 0; i < fl; i++)
			if (s[i] == '.')
				dot = s + i;
		if (fl == 0 || fl >= flen || memchr(s, '/', fl) != NULL || dot == NULL ||
		    dot + 1 == colon || strspn(dot + 1, "0123456789") != (size_t)(colon - dot - 1)) {
			snprintf(why, wlen, "'%.*s' is not a binlog file name (like "
			    "mysql-bin.000042: no directory, a numbered extension)", (int)fl, s);
			return START_BAD;
		}
		if (!number(colon + 1, strlen(colon + 1), INT64_MAX, &p) || p < 4) {
			snprintf(why, wlen, "'%s' is not a position in the file (a number, 4 "
			    "or more: where an event starts)", colon + 1);
			return START_BAD;
		}
		memcpy(file, s, fl);
		file[fl] = '\0';
		*pos = p;
		return START_FILEPOS;
	}
	snprintf(why, wlen, "expected snapshot, current, FILE:POS (mysql-bin.000042:4) or a "
	    "GTID set (MariaDB 0-1-42, MySQL 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-42)");
	return START_BAD;
}
