/* copy_load.c: a chunk's rows, read from the source and written to the destination: LOAD DATA LOCAL INFILE fed from memory, or MariaDB's array-bound INSERT. */
#include "src/copy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(LIBMARIADB) && defined(MARIADB_CLIENT_STMT_BULK_OPERATIONS)
#define HAVE_BULK 1
#endif

/* Rows, values and bytes (at most) of one array-bound INSERT. */
#define BULK_ROWS 10000
#define BULK_VALUES 100000
#define BULK_BYTES (4 << 20)

/*
 * Whether a column's values reach the destination exactly when bound as
 * the text the source sent, as a binary string, in a session whose
 * character set is binary: the server stores them with the same call
 * (Field::store of the bytes, character set binary) as LOAD DATA ...
 * CHARACTER SET binary. Types read through an expression or whose text is
 * not their value (FLOAT, BIT, JSON, INET6...), and those whose values may
 * exceed a packet (BLOB, TEXT, spatial), keep LOAD DATA.
 */
static bool
bulk_type(const struct tk_col *c)
{
	static const char *const ok[] = { "tinyint", "smallint", "mediumint", "int",
		"bigint", "decimal", "char", "varchar", "binary", "varbinary", "date",
		"datetime", "timestamp", "time", "year", "enum", "set", NULL };

	if (c->bit || c->json || c->as_text || c->is_float)
		return false;
	for (unsigned i = 0; ok[i]; i++)
		if (strcasecmp(c->type, ok[i]) == 0)
			return true;
	return false;
}

/* Whether s is plain ASCII (the INSERT is prepared in a binary session). */
static bool
ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Build the statements of a loaded table (json: MySQL's JSON, into MySQL). */
bool
copy_table_statements(struct copy_table *t, bool dst_mysql)
{
	struct sbuf s = { 0 }, l = { 0 }, set = { 0 }, b = { 0 };
	bool first = true, bulk = false, any = false;
	unsigned nb = 0;

#ifdef HAVE_BULK
	bulk = !dst_mysql;
#endif
	for (unsigned i = 0; i < t->k.ncols && bulk; i++)
		if (!t->k.cols[i].generated && !bulk_type(&t->k.cols[i]))
			bulk = false;
	sbuf_adds(&b, "INSERT IGNORE INTO ");
	tk_add_ident(&b, t->spec.ddb, t->spec.dtbl);
	sbuf_adds(&b, " (");

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
			sbuf_adds(&b, ", ");
		}
		first = false;
		any = true;
		dest_quote(&b, c->name);
		nb++;
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
	sbuf_adds(&b, ") VALUES (");
	for (unsigned i = 0; i < nb; i++)
		sbuf_adds(&b, i ? ", ?" : "?");
	sbuf_addc(&b, ')');
	sbuf_addc(&s, '\0');
	sbuf_addc(&l, '\0');
	sbuf_addc(&b, '\0');
	if (s.oom || l.oom || set.oom || b.oom) {
		sbuf_free(&s);
		sbuf_free(&l);
		sbuf_free(&set);
		sbuf_free(&b);
		return false;
	}
	sbuf_free(&set);
	t->select_sql = s.p;
	t->load_sql = l.p;
	if (bulk && any && ascii(b.p))
		t->bulk_sql = b.p;
	else
		sbuf_free(&b);
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

/*
 * The chunk's next row from the source: NULL at the end of its result set
 * (freed), or with *failed and w->read_err when the read broke.
 */
static MYSQL_ROW
next_row(struct copy_worker *w, bool *failed)
{
	MYSQL_ROW row;

	*failed = false;
	if (w->res == NULL)
		return NULL;
	if ((row = mysql_fetch_row(w->res)) != NULL)
		return row;
	if (mysql_errno(w->src.my) != 0) {
		w->src.errnum = mysql_errno(w->src.my);
		snprintf(w->read_err, sizeof(w->read_err), "%s: reading rows: %s (error %u)",
		    w->src.where, mysql_error(w->src.my), w->src.errnum);
		*failed = true;
		return NULL;
	}
	mysql_free_result(w->res);
	w->res = NULL;
	return NULL;
}

/* Count rows and bytes more of the chunk, waiting as long as the caps want. */
static void
counted(struct copy_worker *w, uint64_t rows, uint64_t bytes)
{
	w->rows += rows;
	w->unthrottled_rows += rows;
	w->bytes += bytes;
	w->unthrottled_bytes += bytes;
	if (w->unthrottled_rows >= 1000 || w->unthrottled_bytes >= (1 << 20)) {
		copy_throttle(w->cp, w->unthrottled_rows, w->unthrottled_bytes);
		w->unthrottled_rows = w->unthrottled_bytes = 0;
	}
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
		unsigned n;
		for (n = 0; n < 256 && w->pend.len < 65536; n++) {
			bool failed;
			row = next_row(w, &failed);
			if (failed)
				return -1;
			if (row == NULL)
				break;
			lens = mysql_fetch_lengths(w->res);
			for (unsigned i = 0; i < w->nf; i++) {
				if (i > 0)
					sbuf_addc(&w->pend, '\t');
				add_field(&w->pend, row[i], lens[i]);
			}
			sbuf_addc(&w->pend, '\n');
		}
		if (w->pend.oom) {
			snprintf(w->read_err, sizeof(w->read_err), "out of memory");
			return -1;
		}
		counted(w, n, w->pend.len);
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

/*
 * Warnings of the statement just run: false (with err) if any is not
 * allowed; *dups counts the duplicate keys on_conflict = ignore allows.
 */
static bool
load_warnings(struct copy_worker *w, uint64_t *dups, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf m = { 0 };
	unsigned bad = 0;
	bool ignore = strcmp(w->cp->cfg->copy_on_conflict, "ignore") == 0;
	unsigned nwarn = mysql_warning_count(w->dst.my);

	*dups = 0;
	if (nwarn == 0)
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
	    "warning(s)): %s", nwarn,
	    m.p ? m.p : "");
	sbuf_free(&m);
	return false;
}

void
copy_load_handler(struct copy_worker *w)
{
	mysql_set_local_infile_handler(w->dst.my, li_init, li_read, li_end, li_error, w);
}

enum load_result
copy_load_rows(struct copy_worker *w, uint64_t *affected, uint64_t *dups, char *err,
    size_t errlen)
{
	const char *sql = w->t->load_sql;

	if (mysql_real_query(w->dst.my, sql, strlen(sql)) != 0) {
		w->dst.errnum = mysql_errno(w->dst.my);
		snprintf(w->dst.err, sizeof(w->dst.err), "%s: LOAD DATA LOCAL: %s (error %u)%s",
		    w->dst.where, mysql_error(w->dst.my), w->dst.errnum,
		    w->dst.errnum == 1148 || w->dst.errnum == 3948 ?
		    ": allow it on the destination (SET GLOBAL local_infile = 1)" : "");
		return LOAD_FAILED;
	}
	*affected = mysql_affected_rows(w->dst.my);
	return load_warnings(w, dups, err, errlen) ? LOAD_OK : LOAD_REFUSED;
}

#ifdef HAVE_BULK
/* The error of the array-bound INSERT. */
static enum load_result
bulk_failed(struct copy_worker *w, MYSQL_STMT *st, const char *what)
{
	w->dst.errnum = mysql_stmt_errno(st);
	snprintf(w->dst.err, sizeof(w->dst.err), "%s: array-bound INSERT (%s): %s (error %u)",
	    w->dst.where, what, mysql_stmt_error(st), w->dst.errnum);
	return LOAD_FAILED;
}

/* One array of n rows (at most max): bind columns from the batch's offsets, execute. */
static enum load_result
bulk_execute(struct copy_worker *w, MYSQL_STMT *st, MYSQL_BIND *b, char **ptr,
    unsigned long *len, char *ind, const size_t *off, unsigned n, unsigned max,
    uint64_t *affected, uint64_t *dups, char *err, size_t errlen)
{
	unsigned nf = w->nf, size = n;
	uint64_t d = 0;

	for (unsigned c = 0; c < nf; c++) {
		for (unsigned r = 0; r < n; r++)
			ptr[(size_t)c * max + r] = w->pend.p + off[(size_t)r * nf + c];
		memset(&b[c], 0, sizeof(b[c]));
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer = &ptr[(size_t)c * max];
		b[c].length = &len[(size_t)c * max];
		b[c].u.indicator = &ind[(size_t)c * max];
	}
	if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
	    mysql_stmt_bind_param(st, b) != 0)
		return bulk_failed(w, st, "binding");
	if (mysql_stmt_execute(st) != 0)
		return bulk_failed(w, st, "executing");
	*affected += mysql_stmt_affected_rows(st);
	if (!load_warnings(w, &d, err, errlen))
		return LOAD_REFUSED;
	*dups += d;
	return LOAD_OK;
}

/* Read the destination's max_allowed_packet once: it bounds an array's bytes. */
static long long
dst_packet(struct copy_worker *w)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (w->dst_packet != 0)
		return w->dst_packet;
	res = dest_result(&w->dst, "SELECT @@max_allowed_packet");
	if (res == NULL)
		return 0;
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		w->dst_packet = atoll(row[0]);
	mysql_free_result(res);
	return w->dst_packet;
}

enum load_result
copy_bulk_rows(struct copy_worker *w, uint64_t *affected, uint64_t *dups, char *err,
    size_t errlen)
{
	unsigned nf = w->nf, n = 0, max;
	long long packet = dst_packet(w);
	size_t cap = BULK_BYTES, *off = NULL;
	char **ptr = NULL, *ind = NULL;
	unsigned long *len = NULL;
	MYSQL_BIND *b = NULL;
	MYSQL_STMT *st = NULL;
	enum load_result r = LOAD_UNSUPPORTED;
	bool charset = false;
	unsigned long caps = 0;

	*affected = *dups = 0;
	/* a value of these types is at most 64 KB: the array needs room for several */
	if (packet < (1 << 20) || nf == 0)
		return LOAD_UNSUPPORTED;
	if ((size_t)packet / 8 < cap)
		cap = (size_t)packet / 8; /* each value adds its length and indicator */
	/* a wide table: fewer rows an array, its arrays' memory bounded */
	max = BULK_VALUES / nf < BULK_ROWS ? BULK_VALUES / nf : BULK_ROWS;
	if (max == 0)
		max = 1;
	if (!dest_exec(&w->dst, "SET @myshift_cs = @@character_set_client, "
	    "@myshift_coll = @@collation_connection, character_set_client = binary, "
	    "collation_connection = binary"))
		return LOAD_FAILED;
	charset = true;
	st = mysql_stmt_init(w->dst.my);
	if (st == NULL) {
		snprintf(w->dst.err, sizeof(w->dst.err), "%s: out of memory", w->dst.where);
		w->dst.errnum = 0;
		r = LOAD_FAILED;
		goto out;
	}
	if (mysql_stmt_prepare(st, w->t->bulk_sql, strlen(w->t->bulk_sql)) != 0) {
		r = bulk_failed(w, st, "preparing");
		goto out;
	}
	if (mariadb_get_infov(w->dst.my, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES,
	    &caps) != 0 || !(caps & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) ||
	    mysql_stmt_param_count(st) != nf)
		goto out; /* LOAD DATA then: nothing was read */
	off = malloc(sizeof(*off) * max * nf);
	ptr = malloc(sizeof(*ptr) * max * nf);
	len = malloc(sizeof(*len) * max * nf);
	ind = malloc((size_t)max * nf);
	b = calloc(nf, sizeof(*b));
	if (off == NULL || ptr == NULL || len == NULL || ind == NULL || b == NULL) {
		snprintf(w->read_err, sizeof(w->read_err), "out of memory");
		r = LOAD_FAILED;
		goto out;
	}
	sbuf_reset(&w->pend);
	for (;;) {
		MYSQL_ROW row = NULL;
		unsigned long *lens;
		size_t before = w->pend.len;

		if (w->cp->stop) {
			snprintf(w->dst.err, sizeof(w->dst.err), "copy stopped");
			w->dst.errnum = 0;
			r = LOAD_FAILED;
			goto out;
		}
		bool failed;
		row = next_row(w, &failed);
		if (failed) {
			r = LOAD_FAILED;
			goto out;
		}
		if (row != NULL) {
			lens = mysql_fetch_lengths(w->res);
			for (unsigned c = 0; c < nf; c++) {
				size_t i = (size_t)c * max + n;
				off[(size_t)n * nf + c] = w->pend.len;
				len[i] = row[c] != NULL ? lens[c] : 0;
				ind[i] = row[c] != NULL ? STMT_INDICATOR_NONE : STMT_INDICATOR_NULL;
				if (row[c] != NULL)
					sbuf_add(&w->pend, row[c], lens[c]);
			}
			if (w->pend.oom) {
				snprintf(w->read_err, sizeof(w->read_err), "out of memory");
				r = LOAD_FAILED;
				goto out;
			}
			n++;
			counted(w, 1, w->pend.len - before + nf);
		}
		if (n > 0 && (row == NULL || n == max || w->pend.len >= cap)) {
			r = bulk_execute(w, st, b, ptr, len, ind, off, n, max, affected, dups, err,
			    errlen);
			if (r != LOAD_OK)
				goto out;
			n = 0;
			sbuf_reset(&w->pend);
		}
		if (row == NULL)
			break;
	}
	r = LOAD_OK;
out:
	if (st != NULL)
		mysql_stmt_close(st);
	if (charset && !dest_exec(&w->dst, "SET character_set_client = @myshift_cs, "
	    "collation_connection = @myshift_coll") && r != LOAD_FAILED) {
		/* the session's character set is not what the next statements expect */
		r = LOAD_FAILED;
	}
	free(off);
	free(ptr);
	free(len);
	free(ind);
	free(b);
	return r;
}
#else
enum load_result
copy_bulk_rows(struct copy_worker *w, uint64_t *affected, uint64_t *dups, char *err,
    size_t errlen)
{
	(void)w;
	(void)err;
	(void)errlen;
	*affected = *dups = 0;
	return LOAD_UNSUPPORTED;
}
#endif
