/* tabledef.c: a source's SHOW CREATE TABLE made fit for the other vendor's server. */
#include "src/tabledef.h"

#include <stdlib.h>
#include <string.h>

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

char *
tabledef_statement(const char *sql, bool src_mariadb, bool dst_mariadb, unsigned *dropped)
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
			/* the table options and what follows (partitioning), as they are */
			sbuf_addc(&out, '\n');
			sbuf_adds(&out, line);
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
