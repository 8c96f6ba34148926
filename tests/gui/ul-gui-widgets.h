/* ul-gui-widgets.h: what ul-gui-driver sees of a window, as a person would:
 * its widgets by id, the text of its labels and tables, the rows of its
 * lists, and the labels drawn narrower than their text */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*UlGuiWidgetFunc) (GtkWidget *widget, gpointer data);

/* every widget under @widget, internal ones too (a dialog's areas, a
 * window's header bar, a list's placeholder) */
void ul_gui_walk (GtkWidget *widget, UlGuiWidgetFunc func, gpointer data);
/* the widget under @root whose builder id or widget name is @id; NULL */
GtkWidget *ul_gui_find (GtkWidget *root, const char *id);
/* a table row's string columns joined by " | " */
char *ul_gui_row_text (GtkTreeModel *model, GtkTreeIter *iter);
/* what a person reads under @root: each visible label's text, and each
 * table row's (strings freed with the array) */
GPtrArray *ul_gui_labels (GtkWidget *root);
gboolean ul_gui_shows (GtkWidget *root, const char *text);
/* the list row (UlRecordRow) under @root that shows @text; NULL */
GtkWidget *ul_gui_find_row (GtkWidget *root, const char *text);
/* activates (as a double-click) the first table row under @root that
 * shows @text; FALSE if none does */
gboolean ul_gui_activate_row (GtkWidget *root, const char *text);
/* the first table under @root; NULL */
GtkWidget *ul_gui_first_tree (GtkWidget *root);
/* the labels under @root drawn ellipsized or narrower than their text
 * (strings borrowed from the labels) */
GPtrArray *ul_gui_cut_labels (GtkWidget *root);
/* @texts on one line: ASCII controls and backslashes escaped, UTF-8 kept,
 * \x1f between them */
char *ul_gui_escape_all (GPtrArray *texts);

G_END_DECLS
