/* tabledef.c: a source's SHOW CREATE TABLE made fit for the other vendor's server. */
#include "src/tabledef.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/sbuf.h"

/* Whether line defines an index (not the primary key, never hidden). */
static bool
index_line(const char *line)
{
	static const char *const idx[] = { "KEY ", "UNIQUE KEY ", "FULLTEXT KEY ",
		"SPATIAL KEY ", "INDEX ", "UNIQUE INDEX ", "VECTOR KEY ", "VECTOR INDEX ",
		NULL };

	for (unsigned i = 0; idx[i]; i++)
		if (strncmp(line, idx[i], strlen(idx[i])) == 0)
			return true;
	return false;
}

/* Append line to out with what (at p, n bytes) replaced by with. */
static void
replace_at(struct sbuf *out, const char *line, const char *p, size_t n, const char *with)
{
	sbuf_add(out, line, (size_t)(p - line));
	sbuf_adds(out, with);
	sbuf_adds(out, p + n);
}

bool
tabledef_line(const char *line, bool src_mariadb, bool dst_mariadb, struct sbuf *out,
    const char **why)
{
	static const char col[] = "/*!80023 INVISIBLE */", idx[] = "/*!80000 INVISIBLE */";
	static const char ignored[] = " IGNORED";
	size_t len = strlen(line);
	const char *p;

	*why = NULL;
	if (!src_mariadb) {
		/* a CHECK the source does not enforce: MariaDB has no NOT ENFORCED */
		if (dst_mariadb && strncmp(line, "CONSTRAINT ", 11) == 0 &&
		    strstr(line, " CHECK ") != NULL &&
		    strstr(line, "/*!80016 NOT ENFORCED */") != NULL) {
			*why = "the source does not enforce it, MariaDB has no NOT ENFORCED";
			return false;
		}
		if ((p = strstr(line, col)) != NULL) {
			replace_at(out, line, p, sizeof(col) - 1, "INVISIBLE");
			return true;
		}
		if (index_line(line) && (p = strstr(line, idx)) != NULL) {
			replace_at(out, line, p, sizeof(idx) - 1, dst_mariadb ? "IGNORED" :
			    "INVISIBLE");
			return true;
		}
	} else if (!dst_mariadb && index_line(line) && len > sizeof(ignored) - 1 &&
	    strcmp(line + len - (sizeof(ignored) - 1), ignored) == 0) {
		/* MariaDB writes IGNORED last, after the COMMENT */
		replace_at(out, line, line + len - (sizeof(ignored) - 1), sizeof(ignored) - 1,
		    " INVISIBLE");
		return true;
	}
	sbuf_adds(out, line);
	return true;
}

/* One option of the ") ..." line: [start, end), its name [name, name_end). */
struct opt {
	const char *start, *end, *name, *name_end, *val, *val_end;
	bool wrapped; /* inside MySQL's versioned comment, which is [start, end) */
};

/* The end of the value at p: a quoted string ('' and \x inside) or a word. */
static const char *
value_end(const char *p)
{
	if (*p == '\'') {
		for (p++; *p; p++) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '\'' && p[1] == '\'')
				p++;
			else if (*p == '\'')
				return p + 1;
		}
		return p;
	}
	while (*p && *p != ' ' && *p != '\n')
		p++;
	return p;
}

/* The next option at *pp (false at the end of the line or on a form not known). */
static bool
next_opt(const char **pp, struct opt *o)
{
	const char *p = *pp;

	while (*p == ' ')
		p++;
	if (*p == '\0' || *p == '\n')
		return false;
	memset(o, 0, sizeof(*o));
	o->start = p;
	if (strncmp(p, "/*!", 3) == 0) {
		/* "/ *!80023 NAME=VALUE * /" */
		o->wrapped = true;
		p += 3;
		while (*p >= '0' && *p <= '9')
			p++;
		while (*p == ' ')
			p++;
	}
	o->name = p;
	if (*p == '`') {
		for (p++; *p && !(*p == '`' && p[1] != '`'); p++)
			if (*p == '`')
				p++;
		if (*p != '`')
			return false;
		p++;
	} else {
		/* DEFAULT CHARSET=..., a name of words */
		while (*p && *p != '=' && *p != '\'' && *p != '\n' && *p != '/')
			p++;
		while (p > o->name && p[-1] == ' ')
			p--;
	}
	o->name_end = p;
	while (*p == ' ')
		p++;
	if (*p != '=')
		return false;
	p++;
	while (*p == ' ')
		p++;
	o->val = p;
	p = value_end(p);
	o->val_end = p;
	if (o->wrapped) {
		while (*p == ' ')
			p++;
		if (strncmp(p, "*/", 2) != 0)
			return false;
		p += 2;
	}
	o->end = p;
	*pp = p;
	return true;
}

static bool
name_is(const struct opt *o, const char *name)
{
	size_t n = strlen(name);
	return (size_t)(o->name_end - o->name) == n && strncasecmp(o->name, name, n) == 0;
}

static bool
val_is(const struct opt *o, const char *v)
{
	size_t n = strlen(v);
	return (size_t)(o->val_end - o->val) == n && strncasecmp(o->val, v, n) == 0;
}

static void
note_add(struct sbuf *note, const struct opt *o, const char *what)
{
	sbuf_adds(note, note->len ? ", " : "");
	sbuf_add(note, o->name, (size_t)(o->val_end - o->name));
	sbuf_adds(note, what);
}

bool
tabledef_options(const char *line, bool src_mariadb, bool dst_mariadb, struct sbuf *out,
    struct sbuf *note)
{
	/* MySQL's table options MariaDB refuses */
	static const char *const mysql_only[] = { "AUTOEXTEND_SIZE", "COMPRESSION",
		"SECONDARY_ENGINE", "SECONDARY_ENGINE_ATTRIBUTE", "ENGINE_ATTRIBUTE",
		"ENCRYPTION", NULL };
	/* MariaDB's (Aria's) that MySQL refuses */
	static const char *const mariadb_only[] = { "PAGE_CHECKSUM", "TRANSACTIONAL", NULL };
	const char *p = line + 1, *copied = line;
	size_t base = out->len;
	struct opt o;

	if (line[0] != ')' || src_mariadb == dst_mariadb) {
		sbuf_adds(out, line);
		return !out->oom;
	}
	while (next_opt(&p, &o)) {
		const char *with = NULL; /* NULL: kept; "" left out; else replaced */
		if (!dst_mariadb && o.name[0] == '`') {
			/* an engine-defined option (PAGE_COMPRESSED, ENCRYPTED, ...) */
			with = "";
		} else if (!dst_mariadb) {
			for (unsigned i = 0; mariadb_only[i] && with == NULL; i++)
				if (name_is(&o, mariadb_only[i]))
					with = "";
			if (name_is(&o, "ENGINE") && val_is(&o, "Aria")) {
				with = "ENGINE=InnoDB";
			} else if (name_is(&o, "ROW_FORMAT") && val_is(&o, "PAGE"))
				with = ""; /* Aria's */
		} else {
			for (unsigned i = 0; mysql_only[i] && with == NULL; i++)
				if (name_is(&o, mysql_only[i]))
					with = "";
		}
		if (with == NULL)
			continue;
		sbuf_add(out, copied, (size_t)(o.start - copied));
		if (with[0] == '\0') {
			/* the blank before it goes with it */
			while (out->len > base && out->p[out->len - 1] == ' ')
				out->len--;
		}
		sbuf_adds(out, with);
		copied = o.end;
		note_add(note, &o, with[0] ? " became InnoDB (MySQL has no Aria)" :
		    " left out");
	}
	sbuf_adds(out, copied);
	return !out->oom && !note->oom;
}

char *
tabledef_statement(const char *sql, bool src_mariadb, bool dst_mariadb, unsigned *dropped,
    struct sbuf *note)
{
	struct sbuf out = { 0 }, ln = { 0 };
	const char *p = strchr(sql, '\n'), *line, *next;
	bool first = true;

	*dropped = 0;
	if (p == NULL)
		return strdup(sql);
	/* "CREATE TABLE `t` (" as it is */
	sbuf_add(&out, sql, (size_t)(p + 1 - sql));
	for (line = p + 1; *line; line = next) {
		const char *end = strchr(line, '\n'), *why;
		next = end ? end + 1 : line + strlen(line);
		if (end == NULL)
			end = next;
		if (line[0] == ')') {
			/* the table options made fit, what follows (partitioning) as it is */
			struct sbuf own = { 0 };
			sbuf_addc(&out, '\n');
			sbuf_reset(&ln);
			sbuf_add(&ln, line, (size_t)(end - line));
			sbuf_addc(&ln, '\0');
			if (!ln.oom && tabledef_options(ln.p, src_mariadb, dst_mariadb, &out,
			    note ? note : &own))
				sbuf_adds(&out, end);
			else
				out.oom = true;
			sbuf_free(&own);
			break;
		}
		while (line < end && *line == ' ')
			line++;
		if (end > line && end[-1] == ',')
			end--;
		sbuf_reset(&ln);
		sbuf_add(&ln, line, (size_t)(end - line));
		sbuf_addc(&ln, '\0');
		if (ln.oom)
			break;
		size_t at = out.len;
		if (!first)
			sbuf_adds(&out, ",\n");
		sbuf_adds(&out, "  ");
		if (!tabledef_line(ln.p, src_mariadb, dst_mariadb, &out, &why)) {
			out.len = at;
			(*dropped)++;
			continue;
		}
		first = false;
	}
	sbuf_addc(&out, '\0');
	if (out.oom || ln.oom) {
		sbuf_free(&out);
		sbuf_free(&ln);
		return NULL;
	}
	sbuf_free(&ln);
	return out.p;
}
