/* ul-gui-driver: usbledger-admin's window, driven by a test through its
 * standard input, one command a line (fields separated by tabs). It runs
 * the real window and pages (libuladmin) in a real X display (Xvfb), on the
 * bus in DBUS_SYSTEM_BUS_ADDRESS, and acts as a person would: it clicks
 * buttons, types into entries, looks at what the labels say. Each command
 * answers one line: "ok[\tDATA]" or "fail\tWHY".
 *
 * A "wait-" command is checked again after every wakeup of the main loop
 * (a D-Bus message, an X event), never on a timer; it fails after its
 * deadline (UL_GUI_DEADLINE seconds, 60 by default).
 *
 *   page NAME                      show a page (as the header's switcher does)
 *   wait-text WHERE TEXT           a label in WHERE shows TEXT (WHERE: a page
 *                                  name, "window" or "dialog")
 *   wait-no-text WHERE TEXT        no label in WHERE shows TEXT
 *   click-row PAGE TEXT BUTTON     in the row of PAGE that shows TEXT, click
 *                                  the button named BUTTON
 *   search PAGE TEXT               type TEXT into PAGE's search entry
 *   activate-row PAGE TEXT         in PAGE's table, open the row that shows TEXT
 *   press PAGE ID                  on PAGE, click button ID
 *   set-entry PAGE ID TEXT         on PAGE, type TEXT into entry ID
 *   set ID TEXT                    in the dialog, type TEXT into entry ID
 *   get ID                         in the dialog, the text of entry ID
 *   toggle ID                      in the dialog, make toggle button ID active
 *   click ID                       in the dialog, click button ID
 *   default                        the dialog's default button (its id)
 *   progress                       the dialog's progress bar: FRACTION\tTEXT
 *   wait-dialog / wait-no-dialog   a dialog is open / none is
 *   wait-running yes|no            the daemon panel hidden and the lists
 *                                  sensitive / the opposite
 *   labels WHERE                   every label's text and every table row's
 *                                  (its string columns joined by " | "),
 *                                  escaped, \x1f between
 *   screenshot PAGE FILE           a PNG of the window on PAGE; DATA: the
 *                                  labels that do not fit, \x1f between
 *   export-certificate FILE        in the erase dialog, once the certificate is
 *                                  there, export it to FILE (PDF) through the
 *                                  print operation, as Print… draws it
 *   export-ledger FILE             on the ledger page, once its month is read,
 *                                  print it to FILE (PDF) through the print
 *                                  operation's export
 *   rows PAGE                      how many rows PAGE's table holds
 *   text PAGE ID                   the text of label ID on PAGE (cheap beside
 *                                  labels, which reads every row)
 *   wait-rows PAGE N               PAGE's table holds at least N rows
 *   scroll-end PAGE                scroll PAGE's table to its end (as a person
 *                                  dragging the scroll bar down)
 *   rss                            this process's resident memory, in KiB
 *   quit
 */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ul-admin-window.h"
#include "ul-erase-dialog.h"
#include "ul-ledger-page.h"
#include "ul-gui-widgets.h"

typedef gboolean (*Condition) (char **args);

static UlAdminWindow *window;
static GDataInputStream *input;
static GMainLoop *loop;

typedef void (*Then) (char **args);

/* the wait under way */
static struct {
  Condition condition;
  Then then;    /* when met: goes on with the command instead of answering */
  char **args;
  gint64 deadline;
  GSource *source;
} waiting;

static void read_next (void);

static void
answer (const char *status, const char *data)
{
  if (data != NULL)
    printf ("%s\t%s\n", status, data);
  else
    printf ("%s\n", status);
  fflush (stdout);
}

/* -- finding widgets --------------------------------------------------- */




static GtkWidget *
open_dialog (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l != NULL; l = l->next)
    if (GTK_IS_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static GtkWidget *
page (const char *name)
{
  GtkWidget *stack = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  UL_TYPE_ADMIN_WINDOW,
                                                                  "page_stack");

  return gtk_stack_get_child_by_name (GTK_STACK (stack), name);
}

static GtkWidget *
where (const char *name)
{
  if (g_str_equal (name, "window"))
    return GTK_WIDGET (window);
  if (g_str_equal (name, "dialog"))
    return open_dialog ();
  return page (name);
}








/* -- conditions -------------------------------------------------------- */

static gboolean
cond_text (char **args)
{
  return ul_gui_shows (where (args[1]), args[2]);
}

static gboolean
cond_no_text (char **args)
{
  return where (args[1]) != NULL && !ul_gui_shows (where (args[1]), args[2]);
}

static gboolean
cond_dialog (char **args)
{
  return open_dialog () != NULL;
}

static gboolean
cond_no_dialog (char **args)
{
  return open_dialog () == NULL;
}

static gboolean
cond_running (char **args)
{
  GtkWidget *panel = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  UL_TYPE_ADMIN_WINDOW,
                                                                  "daemon_missing");
  GtkWidget *stack = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  UL_TYPE_ADMIN_WINDOW,
                                                                  "page_stack");
  gboolean running = g_str_equal (args[1], "yes");

  return gtk_widget_get_visible (panel) == !running &&
         gtk_widget_get_sensitive (stack) == running;
}

/* checked after every wakeup of the loop: a source that is always ready to
 * be checked, and dispatches when the condition holds or the deadline
 * passed */
static gboolean
wait_prepare (GSource *source, int *timeout)
{
  gint64 left = waiting.deadline - g_get_monotonic_time ();

  /* the deadline is the only timer, and only to fail */
  *timeout = left > 0 ? (int) (left / 1000) + 1 : 0;
  return left <= 0 || waiting.condition (waiting.args);
}

static gboolean
wait_check (GSource *source)
{
  return g_get_monotonic_time () >= waiting.deadline || waiting.condition (waiting.args);
}

static gboolean
wait_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  gboolean met = waiting.condition (waiting.args);
  g_auto(GStrv) args = g_steal_pointer (&waiting.args);
  g_autofree char *what = g_strjoinv (" ", args);
  Then then = waiting.then;

  waiting.source = NULL;
  if (met && then != NULL)
    {
      then (args);
      return G_SOURCE_REMOVE;
    }
  answer (met ? "ok" : "fail", met ? NULL : what);
  read_next ();
  return G_SOURCE_REMOVE;
}

static GSourceFuncs wait_funcs = { wait_prepare, wait_check, wait_dispatch, NULL, NULL, NULL };

static void
start_wait_then (Condition condition, Then then, char **args)
{
  const char *deadline = g_getenv ("UL_GUI_DEADLINE");

  waiting.condition = condition;
  waiting.then = then;
  waiting.args = g_strdupv (args);
  waiting.deadline = g_get_monotonic_time () +
                     (deadline ? g_ascii_strtoll (deadline, NULL, 10) : 60) * G_USEC_PER_SEC;
  waiting.source = g_source_new (&wait_funcs, sizeof (GSource));
  /* after GTK's own work of the iteration (layout, drawing) */
  g_source_set_priority (waiting.source, G_PRIORITY_LOW);
  g_source_attach (waiting.source, NULL);
  g_source_unref (waiting.source);
}

static void
start_wait (Condition condition, char **args)
{
  start_wait_then (condition, NULL, args);
}

/* the page is the one shown, and the stack's transition is over */
static gboolean
cond_page_shown (char **args)
{
  GtkWidget *p = page (args[1]);
  GtkStack *stack = GTK_STACK (gtk_widget_get_parent (p));

  return gtk_stack_get_visible_child (stack) == p && !gtk_stack_get_transition_running (stack);
}

/* -- actions ----------------------------------------------------------- */



static char *
click_row (char **args)
{
  GtkWidget *row;
  GtkWidget *button;

  if (page (args[1]) == NULL)
    return g_strdup_printf ("no page %s", args[1]);
  row = ul_gui_find_row (page (args[1]), args[2]);
  if (row == NULL)
    return g_strdup_printf ("no row shows %s", args[2]);
  button = ul_gui_find (row, args[3]);
  if (!GTK_IS_BUTTON (button))
    return g_strdup_printf ("the row has no button %s", args[3]);
  gtk_button_clicked (GTK_BUTTON (button));
  return NULL;
}

static char *
in_dialog (const char *id, GtkWidget **widget)
{
  GtkWidget *dialog = open_dialog ();

  if (dialog == NULL)
    return g_strdup ("no dialog is open");
  *widget = ul_gui_find (dialog, id);
  if (*widget == NULL)
    return g_strdup_printf ("the dialog has no %s", id);
  return NULL;
}





static gboolean
cond_certificate (char **args)
{
  GtkWidget *dialog = open_dialog ();

  return UL_IS_ERASE_DIALOG (dialog) && ul_erase_dialog_has_certificate (UL_ERASE_DIALOG (dialog));
}

static void
export_certificate (char **args)
{
  g_autoptr(GError) error = NULL;

  if (ul_erase_dialog_export_certificate (UL_ERASE_DIALOG (open_dialog ()), args[1], &error))
    answer ("ok", NULL);
  else
    answer ("fail", error->message);
  read_next ();
}

static gboolean
cond_ledger (char **args)
{
  return ul_ledger_page_is_loaded (UL_LEDGER_PAGE (page ("ledger")));
}

static void
export_ledger (char **args)
{
  g_autoptr(GError) error = NULL;

  if (ul_ledger_page_export_pdf (UL_LEDGER_PAGE (page ("ledger")), args[1], &error))
    answer ("ok", NULL);
  else
    answer ("fail", error->message);
  read_next ();
}



static int
rows_of (const char *name)
{
  GtkWidget *tree = ul_gui_first_tree (page (name));
  GtkTreeModel *model = tree ? gtk_tree_view_get_model (GTK_TREE_VIEW (tree)) : NULL;

  return model ? gtk_tree_model_iter_n_children (model, NULL) : -1;
}

static gboolean
cond_rows (char **args)
{
  return rows_of (args[1]) >= (int) g_ascii_strtoll (args[2], NULL, 10);
}

static gboolean screenshot_pending;
static char *screenshot_file;

static void take_screenshot (GdkFrameClock *clock, gpointer data);

/* the page as drawn: after the next frame's paint */
static void
screenshot_after_next_frame (char **args)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  screenshot_file = g_strdup (args[2]);
  screenshot_pending = TRUE;
  g_signal_connect (clock, "after-paint", G_CALLBACK (take_screenshot), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

static void
take_screenshot (GdkFrameClock *clock, gpointer data)
{
  GdkWindow *gdk_window = gtk_widget_get_window (GTK_WIDGET (window));
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GPtrArray) cut = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_text = NULL;

  if (!screenshot_pending)
    return;
  screenshot_pending = FALSE;
  g_signal_handlers_disconnect_by_func (clock, take_screenshot, data);
  pixbuf = gdk_pixbuf_get_from_window (gdk_window, 0, 0, gdk_window_get_width (gdk_window),
                                       gdk_window_get_height (gdk_window));
  if (pixbuf == NULL || !gdk_pixbuf_save (pixbuf, screenshot_file, "png", &error, NULL))
    answer ("fail", error ? error->message : "no pixels");
  else
    {
      cut = ul_gui_cut_labels (GTK_WIDGET (window));
      data_text = ul_gui_escape_all (cut);
      answer ("ok", data_text);
    }
  g_clear_pointer (&screenshot_file, g_free);
  read_next ();
}

typedef enum {
  DONE,       /* the caller answers: ok, or fail with *fail */
  ANSWERED,   /* answered here */
  LATER,      /* answered when a wait or a frame ends, which reads on */
} Outcome;

static Outcome
run (char **args, char **fail)
{
  guint n = g_strv_length (args);
  GtkWidget *widget = NULL;

#define NEED(k) if (n != (k)) { *fail = g_strdup ("wrong number of fields"); return DONE; }
  if (g_str_equal (args[0], "page"))
    {
      NEED (2);
      if (page (args[1]) == NULL)
        *fail = g_strdup_printf ("no page %s", args[1]);
      else
        gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_parent (page (args[1]))),
                                          args[1]);
    }
  else if (g_str_equal (args[0], "wait-text") || g_str_equal (args[0], "wait-no-text"))
    {
      NEED (3);
      start_wait (g_str_equal (args[0], "wait-text") ? cond_text : cond_no_text, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "wait-dialog") || g_str_equal (args[0], "wait-no-dialog"))
    {
      NEED (1);
      start_wait (g_str_equal (args[0], "wait-dialog") ? cond_dialog : cond_no_dialog, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "wait-running"))
    {
      NEED (2);
      start_wait (cond_running, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "click-row"))
    {
      NEED (4);
      *fail = click_row (args);
    }
  else if (g_str_equal (args[0], "activate-row"))
    {
      NEED (3);
      if (page (args[1]) == NULL)
        *fail = g_strdup_printf ("no page %s", args[1]);
      else if (!ul_gui_activate_row (page (args[1]), args[2]))
        *fail = g_strdup_printf ("no table row shows %s", args[2]);
    }
  else if (g_str_equal (args[0], "press"))
    {
      NEED (3);
      widget = page (args[1]) != NULL ? ul_gui_find (page (args[1]), args[2]) : NULL;
      if (!GTK_IS_BUTTON (widget))
        *fail = g_strdup_printf ("no button %s on page %s", args[2], args[1]);
      else if (!gtk_widget_is_sensitive (widget))
        *fail = g_strdup_printf ("%s is insensitive", args[2]);
      else
        gtk_button_clicked (GTK_BUTTON (widget));
    }
  else if (g_str_equal (args[0], "set-entry"))
    {
      NEED (4);
      widget = page (args[1]) != NULL ? ul_gui_find (page (args[1]), args[2]) : NULL;
      if (!GTK_IS_ENTRY (widget))
        *fail = g_strdup_printf ("no entry %s on page %s", args[2], args[1]);
      else
        gtk_entry_set_text (GTK_ENTRY (widget), args[3]);
    }
  else if (g_str_equal (args[0], "set"))
    {
      NEED (3);
      if ((*fail = in_dialog (args[1], &widget)) == NULL)
        gtk_entry_set_text (GTK_ENTRY (widget), args[2]);
    }
  else if (g_str_equal (args[0], "search"))
    {
      NEED (3);
      widget = page (args[1]) != NULL ? ul_gui_find (page (args[1]), "search_entry") : NULL;
      if (!GTK_IS_ENTRY (widget))
        *fail = g_strdup_printf ("no search on page %s", args[1]);
      else
        gtk_entry_set_text (GTK_ENTRY (widget), args[2]);
    }
  else if (g_str_equal (args[0], "get"))
    {
      NEED (2);
      if ((*fail = in_dialog (args[1], &widget)) == NULL)
        {
          answer ("ok", gtk_entry_get_text (GTK_ENTRY (widget)));
          return ANSWERED;
        }
    }
  else if (g_str_equal (args[0], "toggle"))
    {
      NEED (2);
      if ((*fail = in_dialog (args[1], &widget)) == NULL)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (widget), TRUE);
    }
  else if (g_str_equal (args[0], "click"))
    {
      NEED (2);
      /* as a person: a greyed-out button cannot be clicked */
      if ((*fail = in_dialog (args[1], &widget)) == NULL && !gtk_widget_is_sensitive (widget))
        *fail = g_strdup_printf ("%s is insensitive", args[1]);
      else if (*fail == NULL)
        gtk_button_clicked (GTK_BUTTON (widget));
    }
  else if (g_str_equal (args[0], "progress"))
    {
      g_autofree char *out = NULL;

      NEED (1);
      if ((*fail = in_dialog ("progress_bar", &widget)) == NULL)
        {
          out = g_strdup_printf ("%.3f\t%s",
                                 gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (widget)),
                                 gtk_progress_bar_get_text (GTK_PROGRESS_BAR (widget)));
          answer ("ok", out);
          return ANSWERED;
        }
    }
  else if (g_str_equal (args[0], "default"))
    {
      GtkWidget *dialog = open_dialog ();
      GtkWidget *def = dialog ? gtk_window_get_default_widget (GTK_WINDOW (dialog)) : NULL;

      NEED (1);
      if (def == NULL)
        *fail = g_strdup ("no default button");
      else
        {
          answer ("ok", gtk_buildable_get_name (GTK_BUILDABLE (def)));
          return ANSWERED;
        }
    }
  else if (g_str_equal (args[0], "labels"))
    {
      g_autoptr(GPtrArray) texts = NULL;
      g_autofree char *out = NULL;

      NEED (2);
      texts = ul_gui_labels (where (args[1]));
      out = ul_gui_escape_all (texts);
      answer ("ok", out);
      return ANSWERED;
    }
  else if (g_str_equal (args[0], "screenshot"))
    {
      NEED (3);
      if (page (args[1]) == NULL)
        {
          *fail = g_strdup_printf ("no page %s", args[1]);
          return DONE;
        }
      gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_parent (page (args[1]))),
                                        args[1]);
      start_wait_then (cond_page_shown, screenshot_after_next_frame, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "export-certificate"))
    {
      NEED (2);
      start_wait_then (cond_certificate, export_certificate, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "export-ledger"))
    {
      NEED (2);
      start_wait_then (cond_ledger, export_ledger, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "text"))
    {
      NEED (3);
      widget = page (args[1]) != NULL ? ul_gui_find (page (args[1]), args[2]) : NULL;
      if (GTK_IS_LABEL (widget))
        {
          answer ("ok", gtk_label_get_text (GTK_LABEL (widget)));
          return ANSWERED;
        }
      *fail = g_strdup_printf ("no label %s on page %s", args[2], args[1]);
    }
  else if (g_str_equal (args[0], "rows"))
    {
      g_autofree char *out = NULL;

      NEED (2);
      out = g_strdup_printf ("%d", rows_of (args[1]));
      answer ("ok", out);
      return ANSWERED;
    }
  else if (g_str_equal (args[0], "wait-rows"))
    {
      NEED (3);
      start_wait (cond_rows, args);
      return LATER;
    }
  else if (g_str_equal (args[0], "scroll-end"))
    {
      GtkWidget *tree;
      GtkAdjustment *adj;

      NEED (2);
      tree = ul_gui_first_tree (page (args[1]));
      if (tree == NULL)
        *fail = g_strdup_printf ("no table on page %s", args[1]);
      else
        {
          adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (tree));
          gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) -
                                           gtk_adjustment_get_page_size (adj));
        }
    }
  else if (g_str_equal (args[0], "rss"))
    {
      g_autofree char *status = NULL;
      const char *line;

      NEED (1);
      if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
          (line = strstr (status, "VmRSS:")) != NULL)
        {
          g_autofree char *kib = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  g_ascii_strtoll (line + 6, NULL, 10));

          answer ("ok", kib);
          return ANSWERED;
        }
      *fail = g_strdup ("no VmRSS");
    }
  else if (g_str_equal (args[0], "quit"))
    {
      answer ("ok", NULL);
      g_main_loop_quit (loop);
      return LATER;
    }
  else
    *fail = g_strdup_printf ("unknown command %s", args[0]);
  return DONE;
#undef NEED
}

static void
on_line (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (input, res, NULL, &error);
  g_auto(GStrv) args = NULL;
  g_autofree char *fail = NULL;

  if (line == NULL)
    {
      /* the test is gone */
      g_main_loop_quit (loop);
      return;
    }
  args = g_strsplit (line, "\t", -1);
  switch (run (args, &fail))
    {
    case DONE:
      answer (fail != NULL ? "fail" : "ok", fail);
      read_next ();
      break;
    case ANSWERED:
      read_next ();
      break;
    case LATER:
      break;
    }
}

static void
read_next (void)
{
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, on_line, NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("USBLEDGER_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ul_admin_prepare_gdk ();
  gtk_init (&argc, &argv);
  ul_admin_load_style ();
  /* the window's application only as a holder: no session bus is needed */
  app = gtk_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = ul_admin_window_new (app, NULL);
  gtk_window_present (GTK_WINDOW (window));
  input = g_data_input_stream_new (in);
  loop = g_main_loop_new (NULL, FALSE);
  read_next ();
  g_main_loop_run (loop);
  gtk_widget_destroy (GTK_WIDGET (window));
  g_clear_object (&input);
  g_main_loop_unref (loop);
  return 0;
}
