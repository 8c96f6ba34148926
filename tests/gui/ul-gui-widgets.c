/* ul-gui-widgets.c: see ul-gui-widgets.h */
#include <string.h>

#include "ul-gui-widgets.h"
#include "ul-record-row.h"

typedef struct {
  const char *id;
  GtkWidget *found;
} FindId;

typedef struct {
  const char *text;
  GtkWidget *row;
} FindRow;

typedef struct {
  const char *text;
  gboolean done;
} ActivateRow;

static void
add_child (GtkWidget *child, gpointer children)
{
  g_ptr_array_add (children, child);
}

/* every widget under @widget, internal ones too (a dialog's areas, a
 * window's header bar, a list's placeholder) */
void
ul_gui_walk (GtkWidget *widget, UlGuiWidgetFunc func, gpointer data)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new ();

  func (widget, data);
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), add_child, children);
  for (guint i = 0; i < children->len; i++)
    ul_gui_walk (children->pdata[i], func, data);
}

static void
find_id (GtkWidget *widget, gpointer data)
{
  FindId *f = data;
  const char *name = gtk_buildable_get_name (GTK_BUILDABLE (widget));

  if (f->found == NULL && name != NULL && g_str_equal (name, f->id))
    f->found = widget;
  else if (f->found == NULL && g_str_equal (gtk_widget_get_name (widget), f->id))
    f->found = widget;
}

GtkWidget *
ul_gui_find (GtkWidget *root, const char *id)
{
  FindId f = { id, NULL };

  if (root != NULL)
    ul_gui_walk (root, find_id, &f);
  return f.found;
}

/* the text of each string column of a row */
char *
ul_gui_row_text (GtkTreeModel *model, GtkTreeIter *iter)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (int c = 0; c < gtk_tree_model_get_n_columns (model); c++)
    if (gtk_tree_model_get_column_type (model, c) == G_TYPE_STRING)
      {
        g_autofree char *text = NULL;

        gtk_tree_model_get (model, iter, c, &text, -1);
        g_string_append_printf (out, "%s%s", out->len > 0 ? " | " : "", text ? text : "");
      }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* what a person reads: labels, and a table's rows (one text each) */
static void
collect_label (GtkWidget *widget, gpointer data)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget))
    g_ptr_array_add (data, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  if (GTK_IS_TREE_VIEW (widget) && gtk_widget_is_visible (widget))
    {
      GtkTreeModel *model = gtk_tree_view_get_model (GTK_TREE_VIEW (widget));
      GtkTreeIter iter;
      gboolean valid;

      for (valid = model && gtk_tree_model_get_iter_first (model, &iter); valid;
           valid = gtk_tree_model_iter_next (model, &iter))
        g_ptr_array_add (data, ul_gui_row_text (model, &iter));
    }
}

GPtrArray *
ul_gui_labels (GtkWidget *root)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  if (root != NULL)
    ul_gui_walk (root, collect_label, texts);
  return texts;
}

gboolean
ul_gui_shows (GtkWidget *root, const char *text)
{
  g_autoptr(GPtrArray) texts = ul_gui_labels (root);

  for (guint i = 0; i < texts->len; i++)
    if (strstr (texts->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

static void
find_row (GtkWidget *widget, gpointer data)
{
  FindRow *f = data;

  if (f->row == NULL && UL_IS_RECORD_ROW (widget) && ul_gui_shows (widget, f->text))
    f->row = widget;
}

/* one line for the test: ASCII controls and backslashes escaped (a raw
 * escape sequence shows as \033), UTF-8 kept as it is */
char *
ul_gui_escape_all (GPtrArray *texts)
{
  g_autoptr(GString) out = g_string_new (NULL);
  char high[129];

  for (int b = 0x80; b <= 0xff; b++)
    high[b - 0x80] = (char) b;
  high[128] = '\0';
  for (guint i = 0; i < texts->len; i++)
    {
      g_autofree char *escaped = g_strescape (texts->pdata[i], high);

      if (i > 0)
        g_string_append_c (out, '\x1f');
      g_string_append (out, escaped);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* labels that do not fit their allocation: ellipsized, or narrower than
 * their smallest width */
static void
collect_cut (GtkWidget *widget, gpointer data)
{
  int minimum, natural;

  if (!GTK_IS_LABEL (widget) || !gtk_widget_is_drawable (widget))
    return;
  gtk_widget_get_preferred_width (widget, &minimum, &natural);
  /* the preferred width counts the margins, the allocation does not */
  minimum -= gtk_widget_get_margin_start (widget) + gtk_widget_get_margin_end (widget);
  if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))) ||
      gtk_widget_get_allocated_width (widget) < minimum)
    g_ptr_array_add (data, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
}

static void
activate_row_in (GtkWidget *widget, gpointer data)
{
  ActivateRow *a = data;
  GtkTreeModel *model;
  GtkTreeIter iter;
  gboolean valid;

  if (a->done || !GTK_IS_TREE_VIEW (widget))
    return;
  model = gtk_tree_view_get_model (GTK_TREE_VIEW (widget));
  for (valid = model && gtk_tree_model_get_iter_first (model, &iter); valid && !a->done;
       valid = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *text = ul_gui_row_text (model, &iter);

      if (strstr (text, a->text) != NULL)
        {
          g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (model, &iter);

          gtk_tree_view_row_activated (GTK_TREE_VIEW (widget), path,
                                       gtk_tree_view_get_column (GTK_TREE_VIEW (widget), 0));
          a->done = TRUE;
        }
    }
}

static void
find_tree (GtkWidget *widget, gpointer data)
{
  GtkWidget **found = data;

  if (*found == NULL && GTK_IS_TREE_VIEW (widget))
    *found = widget;
}

/* the first table under @root */
GtkWidget *
ul_gui_first_tree (GtkWidget *root)
{
  GtkWidget *found = NULL;

  if (root != NULL)
    ul_gui_walk (root, find_tree, &found);
  return found;
}

GtkWidget *
ul_gui_find_row (GtkWidget *root, const char *text)
{
  FindRow f = { text, NULL };

  ul_gui_walk (root, find_row, &f);
  return f.row;
}

gboolean
ul_gui_activate_row (GtkWidget *root, const char *text)
{
  ActivateRow a = { text, FALSE };

  ul_gui_walk (root, activate_row_in, &a);
  return a.done;
}

GPtrArray *
ul_gui_cut_labels (GtkWidget *root)
{
  GPtrArray *cut = g_ptr_array_new ();

  ul_gui_walk (root, collect_cut, cut);
  return cut;
}
