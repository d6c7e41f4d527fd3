/* recent.c: the keys of the rows the applier changed last, kept in a ring for the cutover's quick verify. */
#include "src/recent.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/value.h"

struct recent {
	pthread_mutex_t lock;
	unsigned cap, next, n;   /* next: the slot written next */
	struct sbuf *e;          /* one line each, without its LF */
	struct sbuf tmp;         /* the line being built (applier thread only) */
};

struct recent *
recent_new(unsigned cap)
{
	struct recent *r;

	if (cap == 0 || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->e = calloc(cap, sizeof(*r->e))) == NULL) {
		free(r);
		return NULL;
	}
	r->cap = cap;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void
recent_free(struct recent *r)
{
	if (r == NULL)
		return;
	for (unsigned i = 0; i < r->cap; i++)
		sbuf_free(&r->e[i]);
	free(r->e);
	sbuf_free(&r->tmp);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static void
add_hex(struct sbuf *b, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		sbuf_addc(b, hx[p[i] >> 4]);
		sbuf_addc(b, hx[p[i] & 15]);
	}
}

static void
add_clock(struct sbuf *b, unsigned h, unsigned m, unsigned s, unsigned usec)
{
	sbuf_printf(b, "%02u:%02u:%02u", h, m, s);
	if (usec)
		sbuf_printf(b, ".%06u", usec);
}

/*
 * Append value v of a key column as its bound text (see recent.h); false
 * when it has none that compares exactly.
 */
static bool
key_text(struct sbuf *b, const struct binlog_col *col, const struct schema_col *sc,
    const struct binlog_value *v)
{
	struct proto_err err = { 0 };

	switch (v->kind) {
	case BV_INT:
		if (v->i < 0 && col->is_unsigned != 0 && sc->is_unsigned)
			/* no signedness in the binlog: the destination column says */
			sbuf_u64(b, binlog_int_unsigned(col, v->i));
		else
			sbuf_i64(b, v->i);
		return true;
	case BV_UINT:
	case BV_BIT:
	case BV_ENUM:
	case BV_SET:
	case BV_YEAR:
		sbuf_u64(b, v->u);
		return true;
	case BV_DECIMAL:
		return decimal_to_text(b, v->dec.p, v->dec.len, v->dec.precision, v->dec.scale,
		    &err);
	case BV_STRING:
	case BV_BLOB:
		add_hex(b, v->bytes.p, v->bytes.len);
		/* BINARY(n): the server pads with 0x00, the binlog may not */
		for (uint32_t i = v->bytes.len; sc->binary_fixed && i < sc->octet_len; i++)
			sbuf_adds(b, "00");
		return true;
	case BV_DATE:
		sbuf_printf(b, "%04d-%02u-%02u", (int)v->tm.year, v->tm.month, v->tm.day);
		return true;
	case BV_DATETIME:
		sbuf_printf(b, "%04d-%02u-%02u ", (int)v->tm.year, v->tm.month, v->tm.day);
		add_clock(b, v->tm.hour, v->tm.minute, v->tm.second, v->tm.usec);
		return true;
	case BV_TIME:
		if (v->tm.neg)
			sbuf_addc(b, '-');
		add_clock(b, v->tm.hour, v->tm.minute, v->tm.second, v->tm.usec);
		return true;
	case BV_TIMESTAMP: {
		/* read back in a session whose time_zone is '+00:00' */
		time_t sec = (time_t)v->ts.sec;
		struct tm tm;
		if (v->ts.sec == 0 && v->ts.usec == 0) {
			sbuf_adds(b, "0000-00-00 00:00:00");
			return true;
		}
		if (gmtime_r(&sec, &tm) == NULL)
			return false;
		sbuf_printf(b, "%04d-%02d-%02d ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		add_clock(b, (unsigned)tm.tm_hour, (unsigned)tm.tm_min, (unsigned)tm.tm_sec,
		    v->ts.usec);
		return true;
	}
	default:
		/* NULL or absent (not a key then), FLOAT, DOUBLE, JSON, geometry */
		return false;
	}
}

/*
 * Column types whose key text compares exactly on both servers (not, for
 * instance, MariaDB's INET6 and UUID, whose stored bytes are no literal).
 */
static bool
type_kept(const char *data_type)
{
	static const char *const kept[] = { "tinyint", "smallint", "mediumint", "int",
		"bigint", "decimal", "char", "varchar", "binary", "varbinary", "tinytext",
		"text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob",
		"longblob", "date", "datetime", "timestamp", "time", "year", "enum", "set",
		"bit", NULL };

	for (unsigned i = 0; kept[i]; i++)
		if (strcmp(data_type, kept[i]) == 0)
			return true;
	return false;
}

void
recent_note(struct recent *r, const char *db, const char *table,
    const struct binlog_table *t, const struct schema_table *st,
    const struct binlog_value *vals)
{
	struct sbuf *b;

	if (r == NULL || st->nkey == 0)
		return;
	b = &r->tmp;
	sbuf_reset(b);
	add_hex(b, (const uint8_t *)db, strlen(db));
	sbuf_addc(b, '\t');
	add_hex(b, (const uint8_t *)table, strlen(table));
	for (uint32_t k = 0; k < st->nkey; k++) {
		uint32_t i = st->key[k];
		if (i >= t->ncols || i >= st->ncols || !type_kept(st->cols[i].data_type))
			return;
		sbuf_addc(b, '\t');
		add_hex(b, (const uint8_t *)st->cols[i].name, strlen(st->cols[i].name));
		sbuf_addc(b, '\t');
		if (!key_text(b, &t->cols[i], &st->cols[i], &vals[i]))
			return;
	}
	if (b->oom) {
		sbuf_free(b);
		return;
	}
	pthread_mutex_lock(&r->lock);
	if (r->e[r->next].oom)
		sbuf_free(&r->e[r->next]); /* out of memory once: try afresh */
	sbuf_reset(&r->e[r->next]);
	sbuf_add(&r->e[r->next], b->p, b->len);
	r->next = (r->next + 1) % r->cap;
	if (r->n < r->cap)
		r->n++;
	pthread_mutex_unlock(&r->lock);
}

unsigned
recent_dump(struct recent *r, struct sbuf *out)
{
	unsigned n = 0;

	if (r == NULL)
		return 0;
	pthread_mutex_lock(&r->lock);
	for (unsigned i = 0; i < r->n; i++) {
		struct sbuf *e = &r->e[(r->next + r->cap - r->n + i) % r->cap];
		if (e->len == 0 || e->oom)
			continue;
		sbuf_add(out, e->p, e->len);
		sbuf_addc(out, '\n');
		n++;
	}
	pthread_mutex_unlock(&r->lock);
	return n;
}
