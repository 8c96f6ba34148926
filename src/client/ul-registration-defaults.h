/* ul-registration-defaults.h: what the approve dialog proposes, as the
 * cities' rules have it. A proposal only: the supervisor confirms it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The next free 管理番号 after those of @media (UlClientRecord items):
 * the numbers that end in digits are read as prefix + number; the prefix
 * of the latest registered one is kept and its highest number + 1 is given
 * with as many digits ("YZ-USB-0009" -> "YZ-USB-0010"). With no such
 * number, "USB-0001". Never one that is taken. */
char *ul_next_asset_number (GListModel *media);

/* The end of the fiscal year that holds @now (Japanese fiscal years end on
 * 31 March): 31 March 23:59:59 local time, in microseconds since the
 * epoch. */
gint64 ul_fiscal_year_end (GDateTime *now);

G_END_DECLS
