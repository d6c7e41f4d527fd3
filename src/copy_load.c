/* copy_load.c: a chunk's rows, read from the source and fed from memory to LOAD DATA LOCAL INFILE on the destination. */
#include "src/copy_int.h"

#include <stdio.h>
#include <string.h>

/* Build the statements of a loaded table (json: MySQL's JSON, into MySQL). */
bool
copy_table_statements(struct copy_table *t, bool dst_mysql)
{
	struct sbuf s = { 0 }, l = { 0 }, set = { 0 };
	bool first = true;

	sbuf_adds(&s, "SELECT ");
	sbuf_adds(&l, "LOAD DATA LOCAL INFILE 'myshift-copy' INTO TABLE ");
	tk_add_ident(&l, t->spec.ddb, t->spec.dtbl);
	sbuf_adds(&l, " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY "
	    "'\\\\' LINES TERMINATED BY '\\n' (");
	for (unsigned i = 0; i < t->k.ncols; i++) {
		struct tk_col *c = &t->k.cols[i];
		bool json = c->json && dst_mysql;
		if (c->generated)
			continue;
		if (!first) {
			sbuf_adds(&s, ", ");
			sbuf_adds(&l, ", ");
		}
		first = false;
		if (c->is_float) {
			/* FLOAT prints with 6 digits: as DOUBLE it is exact (shortest round trip) */
			sbuf_adds(&s, "CAST(");
			dest_quote(&s, c->name);
			sbuf_adds(&s, " AS DOUBLE)");
		} else
			dest_quote(&s, c->name);
		if (c->bit)
			sbuf_adds(&s, " + 0");
		/*
		 * BIT arrives as a number; MySQL's JSON and MariaDB's INET4,
		 * INET6 and UUID as text, which LOAD DATA's binary character set
		 * would make a binary string (for the latter, their packed form):
		 * made text again.
		 */
		if (c->bit || json || c->as_text) {
			sbuf_printf(&l, "@v%u", i);
			sbuf_adds(&set, set.len ? ", " : " SET ");
			dest_quote(&set, c->name);
			sbuf_printf(&set, c->bit ? " = CAST(@v%u AS UNSIGNED)" :
			    " = CONVERT(@v%u USING utf8mb4)", i);
		} else
			dest_quote(&l, c->name);
	}
	sbuf_adds(&s, " FROM ");
	tk_add_ident(&s, t->spec.sdb, t->spec.stbl);
	if (t->k.nkey > 0) {
		sbuf_adds(&s, " FORCE INDEX (");
		dest_quote(&s, t->k.key_name);
		sbuf_addc(&s, ')');
	}
	sbuf_addc(&l, ')');
	if (set.len)
		sbuf_add(&l, set.p, set.len);
	sbuf_addc(&s, '\0');
	sbuf_addc(&l, '\0');
	if (s.oom || l.oom || set.oom) {
		sbuf_free(&s);
		sbuf_free(&l);
		sbuf_free(&set);
		return false;
	}
	sbuf_free(&set);
	t->select_sql = s.p;
	t->load_sql = l.p;
	t->loaded = true;
	return true;
}

/* Append one field in LOAD DATA's escaped text form. */
static void
add_field(struct sbuf *b, const char *v, unsigned long len)
{
	if (v == NULL) {
		sbuf_adds(b, "\\N");
		return;
	}
	if (!sbuf_grow(b, len * 2 + 1))
		return;
	char *o = b->p + b->len;
	const char *e = v + len;
	while (v < e) {
		/* runs of bytes that need no escape are copied whole */
		const char *r = v;
		while (r < e && *r != '\\' && *r != '\t' && *r != '\n' && *r != '\0')
			r++;
		memcpy(o, v, (size_t)(r - v));
		o += r - v;
		if (r == e)
			break;
		*o++ = '\\';
		*o++ = *r == '\t' ? 't' : *r == '\n' ? 'n' : *r == '\0' ? '0' : '\\';
		v = r + 1;
	}
	b->len = (size_t)(o - b->p);
}

/* LOAD DATA LOCAL's callbacks: the "file" is the chunk's result set. */
static int
li_init(void **ptr, const char *name, void *userdata)
{
	(void)name;
	*ptr = userdata;
	return 0;
}

static int
li_read(void *ptr, char *buf, unsigned int len)
{
	struct copy_worker *w = ptr;

	while (w->pend_off >= w->pend.len) {
		MYSQL_ROW row;
		unsigned long *lens;

		sbuf_reset(&w->pend);
		w->pend_off = 0;
		if (w->res == NULL || w->cp->stop)
			return w->cp->stop ? -1 : 0;
		/* a batch of rows at a time */
		for (unsigned n = 0; n < 256 && w->pend.len < 65536; n++) {
			row = mysql_fetch_row(w->res);
			if (row == NULL) {
				if (mysql_errno(w->src.my) != 0) {
					snprintf(w->read_err, sizeof(w->read_err), "%s: reading "
					    "rows: %s (error %u)", w->src.where,
					    mysql_error(w->src.my), mysql_errno(w->src.my));
					w->src.errnum = mysql_errno(w->src.my);
					return -1;
				}
				mysql_free_result(w->res);
				w->res = NULL;
				break;
			}
			lens = mysql_fetch_lengths(w->res);
			for (unsigned i = 0; i < w->nf; i++) {
				if (i > 0)
					sbuf_addc(&w->pend, '\t');
				add_field(&w->pend, row[i], lens[i]);
			}
			sbuf_addc(&w->pend, '\n');
			w->rows++;
			w->unthrottled_rows++;
		}
		if (w->pend.oom) {
			snprintf(w->read_err, sizeof(w->read_err), "out of memory");
			return -1;
		}
		w->bytes += w->pend.len;
		w->unthrottled_bytes += w->pend.len;
		if (w->unthrottled_rows >= 1000 || w->unthrottled_bytes >= (1 << 20)) {
			copy_throttle(w->cp, w->unthrottled_rows, w->unthrottled_bytes);
			w->unthrottled_rows = w->unthrottled_bytes = 0;
		}
		if (w->pend.len == 0)
			return 0;
	}
	size_t n = w->pend.len - w->pend_off;
	if (n > len)
		n = len;
	memcpy(buf, w->pend.p + w->pend_off, n);
	w->pend_off += n;
	return (int)n;
}

static void
li_end(void *ptr)
{
	(void)ptr;
}

static int
li_error(void *ptr, char *msg, unsigned int len)
{
	struct copy_worker *w = ptr;

	snprintf(msg, len, "%s", w->read_err[0] ? w->read_err : "copy stopped");
	return 2000;
}

bool
copy_load_warnings(struct copy_worker *w, uint64_t *dups, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf m = { 0 };
	unsigned bad = 0;
	bool ignore = strcmp(w->cp->cfg->copy_on_conflict, "ignore") == 0;

	*dups = 0;
	if (mysql_warning_count(w->dst.my) == 0)
		return true;
	res = dest_result(&w->dst, "SHOW WARNINGS LIMIT 20");
	if (res == NULL) {
		snprintf(err, errlen, "%s", w->dst.err);
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[1] && strcmp(row[1], "1062") == 0 && ignore) {
			(*dups)++;
			continue;
		}
		if (bad++ < 3)
			sbuf_printf(&m, "%s%s %s: %s", bad > 1 ? "; " : "", row[0] ? row[0] : "",
			    row[1] ? row[1] : "", row[2] ? row[2] : "");
	}
	mysql_free_result(res);
	if (bad == 0 && *dups < 20)
		return true;
	if (bad == 0) {
		/* more duplicates than listed: counted by the affected rows */
		return true;
	}
	sbuf_addc(&m, '\0');
	snprintf(err, errlen, "the destination changed or refused values (%u "
	    "warning(s)): %s", (unsigned)mysql_warning_count(w->dst.my),
	    m.p ? m.p : "");
	sbuf_free(&m);
	return false;
}

void
copy_load_handler(struct copy_worker *w)
{
	mysql_set_local_infile_handler(w->dst.my, li_init, li_read, li_end, li_error, w);
}
