/* log.c: leveled, timestamped log lines; one mutex so threads do not interleave. */
#include "src/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static enum log_level log_level = LOG_INFO;
static const char *log_ident = "myshift";
static FILE *log_file;
static char *log_path;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "ERROR", "WARN", "INFO", "DEBUG" };

void
log_set_level(enum log_level level)
{
	log_level = level;
}

void
log_set_ident(const char *ident)
{
	log_ident = ident;
}

int
log_open(const char *path)
{
	FILE *f = NULL;

	if (path != NULL && (f = fopen(path, "a")) == NULL)
		return -1;
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	free(log_path);
	log_path = path ? strdup(path) : NULL;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

int
log_reopen(void)
{
	FILE *f;

	if (log_path == NULL)
		return 0;
	if ((f = fopen(log_path, "a")) == NULL)
		return -1;
	pthread_mutex_lock(&log_lock);
	fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

/*
 * A live progress block at the bottom of a terminal (stderr, no log file):
 * log lines are written above it; it is erased and drawn again.
 */
static char progress_text[4096];
static unsigned progress_lines;

static unsigned
count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Erase the block drawn last (log_lock held). */
static void
progress_erase(void)
{
	for (unsigned i = 0; i < progress_lines; i++)
		fputs("\033[1A\033[2K", stderr);
	progress_lines = 0;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char ts[40], line[2048];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	FILE *out;

	if (level > log_level)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	out = log_file ? log_file : stderr;
	if (out == stderr)
		progress_erase();
	fprintf(out, "%s.%03dZ %s %s: %s\n", ts, (int)(tv.tv_usec / 1000),
	    level_names[level], log_ident, line);
	if (out == stderr && progress_text[0]) {
		fputs(progress_text, stderr);
		progress_lines = count_lines(progress_text);
	}
	fflush(out);
	pthread_mutex_unlock(&log_lock);
}

bool
log_progress_wanted(void)
{
	return log_file == NULL && isatty(STDERR_FILENO);
}

void
log_progress(const char *text)
{
	if (!log_progress_wanted())
		return;
	pthread_mutex_lock(&log_lock);
	progress_erase();
	snprintf(progress_text, sizeof(progress_text), "%s", text ? text : "");
	if (progress_text[0]) {
		fputs(progress_text, stderr);
		progress_lines = count_lines(progress_text);
	}
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}
