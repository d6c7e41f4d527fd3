/* sqllex.h: tokens of MySQL and MariaDB statements (strings, quoted names, comments, versioned comments). */
#ifndef SRC_SQLLEX_H
#define SRC_SQLLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tk {
	TK_END,    /* end of the statement */
	TK_ERR,    /* unterminated string, identifier or comment */
	TK_WORD,   /* unquoted identifier or keyword */
	TK_IDENT,  /* `quoted` identifier ("quoted" under ANSI_QUOTES) */
	TK_STRING, /* 'string' ("string" without ANSI_QUOTES) */
	TK_NUMBER,
	TK_VAR,    /* @var, @@sys.var, @'host' */
	TK_PUNCT,  /* one character of anything else */
};

struct tok {
	enum tk kind;
	size_t start, end; /* bytes of the token in the statement */
	char c;            /* TK_PUNCT: the character */
};

/*
 * Comments are skipped; versioned comments (slash-star-bang with an
 * optional 5 or 6 digit version, MariaDB's slash-star-M-bang) are entered
 * and their content lexed as SQL, their closing star-slash skipped.
 */
struct lex {
	const char *s;
	size_t len, pos;
	bool in_vcomment;
	bool ansi_quotes, no_backslash_escapes;
	bool dot_after_ident; /* last token: '.' glued to an identifier */
	enum tk last_kind;
	size_t last_end;
};

/* Start lexing sql (len bytes) as a statement that ran under sql_mode. */
void lex_init(struct lex *lx, const char *sql, size_t len, uint64_t sql_mode);

/* The next token of the statement (TK_END at its end, TK_ERR when unterminated). */
void lex_next(struct lex *lx, struct tok *t);

/* Whether t is an unquoted word among kws (upper case, NULL-terminated). */
bool lex_word_in(const char *sql, const struct tok *t, const char *const *kws);

#endif
