/* ul-report-appendix.h: the files appendix (別紙): every file record of the
 * month's sessions with its path, size, SHA-256 and action. File names can
 * carry personal data, so it is made only on request and marked 庁内保管
 * (kept inside the office); the city's copy has only counts and digests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @files: av of a{sv} (session-id x, asset-number s, time s, action s,
 * path s (escaped), old-path s, size x, sha256 s, status s) */
GBytes *ul_report_files_appendix_csv (GVariant *files);

G_END_DECLS
