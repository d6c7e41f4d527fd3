/* sqllex.c: tokens of MySQL and MariaDB statements (strings, quoted names, comments, versioned comments). */
#include "src/sqllex.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "src/sqlclass.h"

void
lex_init(struct lex *lx, const char *sql, size_t len, uint64_t sql_mode)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = sql;
	lx->len = len;
	lx->ansi_quotes = (sql_mode & SQL_MODE_ANSI_QUOTES) != 0;
	lx->no_backslash_escapes = (sql_mode & SQL_MODE_NO_BACKSLASH_ESCAPES) != 0;
	lx->last_kind = TK_END;
	lx->last_end = (size_t)-1;
}

/* Whether c may appear in an unquoted identifier (every UTF-8 byte may). */
static bool
lex_ident_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* End of the quoted run starting at s[i] (the quote), or 0 if unterminated. */
static size_t
lex_quoted(const struct lex *lx, size_t i)
{
	char q = lx->s[i];
	bool bs = q != '`' && !lx->no_backslash_escapes;
	size_t j = i + 1;

	while (j < lx->len) {
		if (bs && lx->s[j] == '\\') {
			j += 2;
			continue;
		}
		if (lx->s[j] == q) {
			if (j + 1 < lx->len && lx->s[j + 1] == q) {
				j += 2;
				continue;
			}
			return j + 1;
		}
		j++;
	}
	return 0;
}

/* Skip blanks and comments; false on an unterminated or nested comment. */
static bool
lex_skip(struct lex *lx)
{
	const char *s = lx->s;
	size_t n = lx->len;

	for (;;) {
		size_t i = lx->pos;

		while (i < n && isspace((unsigned char)s[i]))
			i++;
		lx->pos = i;
		if (i >= n)
			return !lx->in_vcomment;
		if (lx->in_vcomment && s[i] == '*' && i + 1 < n &&
		    s[i + 1] == '/') {
			lx->in_vcomment = false;
			lx->pos = i + 2;
			continue;
		}
		if (s[i] == '#' || (s[i] == '-' && i + 1 < n && s[i + 1] == '-' &&
		    (i + 2 >= n || (unsigned char)s[i + 2] <= ' '))) {
			while (i < n && s[i] != '\n')
				i++;
			lx->pos = i;
			continue;
		}
		if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t j = i + 2, d = 0;
			bool versioned = false;

			if (j < n && s[j] == '!') {
				versioned = true;
				j++;
			} else if (j + 1 < n && s[j] == 'M' && s[j + 1] == '!') {
				versioned = true;
				j += 2;
			}
			if (versioned) {
				if (lx->in_vcomment)
					return false;
				while (j + d < n && d < 6 &&
				    isdigit((unsigned char)s[j + d]))
					d++;
				if (d == 5 || d == 6)
					j += d;
				lx->in_vcomment = true;
				lx->pos = j;
				continue;
			}
			for (; j + 1 < n; j++)
				if (s[j] == '*' && s[j + 1] == '/')
					break;
			if (j + 1 >= n)
				return false;
			lx->pos = j + 2;
			continue;
		}
		return true;
	}
}

/* The next token of the statement. */
void
lex_next(struct lex *lx, struct tok *t)
{
	const char *s = lx->s;
	size_t n = lx->len, i, j;
	unsigned char c;
	bool after_dot = lx->dot_after_ident;

	lx->dot_after_ident = false;
	t->c = 0;
	if (!lex_skip(lx)) {
		t->kind = TK_ERR;
		t->start = t->end = lx->pos;
		return;
	}
	i = lx->pos;
	t->start = i;
	if (i >= n) {
		t->kind = TK_END;
		t->end = n;
		return;
	}
	c = (unsigned char)s[i];
	if (c == '\'' || c == '"' || c == '`') {
		j = lex_quoted(lx, i);
		if (j == 0) {
			t->kind = TK_ERR;
			t->end = n;
			lx->pos = n;
			return;
		}
		t->kind = c == '`' || (c == '"' && lx->ansi_quotes) ? TK_IDENT
		    : TK_STRING;
	} else if (c == '@') {
		j = i + 1;
		if (j < n && s[j] == '@') {
			j++;
			while (j < n && (lex_ident_byte((unsigned char)s[j]) ||
			    s[j] == '.'))
				j++;
			t->kind = TK_VAR;
		} else if (j < n && (s[j] == '\'' || s[j] == '"' ||
		    s[j] == '`')) {
			j = lex_quoted(lx, j);
			if (j == 0) {
				t->kind = TK_ERR;
				t->end = n;
				lx->pos = n;
				return;
			}
			t->kind = TK_VAR;
		} else if (j < n && (lex_ident_byte((unsigned char)s[j]) ||
		    s[j] == '.')) {
			while (j < n && (lex_ident_byte((unsigned char)s[j]) ||
			    s[j] == '.'))
				j++;
			t->kind = TK_VAR;
		} else {
			t->kind = TK_PUNCT;
			t->c = '@';
		}
	} else if (lex_ident_byte(c)) {
		bool digits = true;

		for (j = i; j < n && lex_ident_byte((unsigned char)s[j]); j++)
			if (!isdigit((unsigned char)s[j]))
				digits = false;
		t->kind = TK_WORD;
		/* after "ident." a run of digits is an identifier (t.1) */
		if (isdigit(c) && !after_dot) {
			if (digits) {
				t->kind = TK_NUMBER;
				if (j < n && s[j] == '.') {
					j++;
					while (j < n && isdigit((unsigned char)s[j]))
						j++;
				}
				if (j < n && (s[j] == 'e' || s[j] == 'E')) {
					size_t k = j + 1;

					if (k < n && (s[k] == '+' || s[k] == '-'))
						k++;
					if (k < n && isdigit((unsigned char)s[k])) {
						j = k;
						while (j < n && isdigit(
						    (unsigned char)s[j]))
							j++;
					}
				}
			} else {
				t->kind = TK_NUMBER; /* 1e5, 0x1f, or 1abc */
				/* an identifier may start with digits */
				for (size_t k = i; k < j; k++)
					if (!isxdigit((unsigned char)s[k]) &&
					    s[k] != 'x' && s[k] != 'X' &&
					    s[k] != 'b' && s[k] != 'B')
						t->kind = TK_WORD;
			}
		}
	} else {
		j = i + 1;
		t->kind = TK_PUNCT;
		t->c = (char)c;
		if (c == '.' && lx->last_end == i &&
		    (lx->last_kind == TK_WORD || lx->last_kind == TK_IDENT))
			lx->dot_after_ident = true;
	}
	t->end = j;
	lx->pos = j;
	lx->last_kind = t->kind;
	lx->last_end = j;
}

bool
lex_word_in(const char *sql, const struct tok *t, const char *const *kws)
{
	for (; *kws; kws++)
		if (t->kind == TK_WORD && t->end - t->start == strlen(*kws) &&
		    strncasecmp(sql + t->start, *kws, t->end - t->start) == 0)
			return true;
	return false;
}
