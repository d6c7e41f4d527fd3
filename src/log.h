/* log.h: leveled, timestamped log lines to stderr or a file (reopened on SIGHUP). */
#ifndef SRC_LOG_H
#define SRC_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

/* Messages above level are dropped; default LOG_INFO. */
void log_set_level(enum log_level level);
/* Prefix every line with this program name. */
void log_set_ident(const char *ident);
/* Log to path (appending) instead of stderr; NULL for stderr. -1 on error. */
int log_open(const char *path);
/* Reopen the log file (after rotation). */
int log_reopen(void);
/* Whether a live progress block can be shown (stderr is a terminal, no log file). */
bool log_progress_wanted(void);
/* Replace the progress block (lines ending in newlines; "" removes it). */
void log_progress(const char *text);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
