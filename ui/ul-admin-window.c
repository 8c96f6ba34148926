/* ul-admin-window.c: see ul-admin-window.h */
#include "config.h"

#include <glib/gi18n.h>
#include <polkit/polkit.h>

#include "ul-admin-resources.h"
#include "ul-admin-window.h"
#include "ul-client.h"
#include "ul-devices-page.h"
#include "ul-erase-page.h"
#include "ul-ledger-page.h"
#include "ul-log-page.h"
#include "ul-media-page.h"
#include "ul-requests-page.h"
#include "ul-sessions-page.h"
#include "ul-ui-errors.h"

#define UL_VIEW_ACTION "org.usbledger.view"

struct _UlAdminWindow {
  GtkApplicationWindow parent;
  GCancellable *cancellable;
  UlLiveLists *lists;
  GPermission *permission;

  GtkWidget *switcher;
  GtkWidget *lock_button;
  GtkWidget *error_bar;
  GtkWidget *error_label;
  GtkWidget *daemon_missing;
  GtkWidget *daemon_missing_detail;
  GtkWidget *page_stack;
  GtkWidget *requests_page;
  GtkWidget *devices_page;
  GtkWidget *media_page;
  GtkWidget *sessions_page;
  GtkWidget *erase_page;
  GtkWidget *ledger_page;
  GtkWidget *log_page;
};

G_DEFINE_TYPE (UlAdminWindow, ul_admin_window, GTK_TYPE_APPLICATION_WINDOW)

void
ul_admin_register_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      ul_admin_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

void
ul_admin_prepare_gdk (void)
{
  /* the person's own setting wins */
  g_setenv ("GDK_GL", "disable", FALSE);
}

void
ul_admin_load_style (void)
{
  static gsize loaded;

  ul_admin_register_resources ();
  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (css, "/org/usbledger/Admin/style.css");
      gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
                                                 GTK_STYLE_PROVIDER (css),
                                                 GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

void
ul_admin_window_show_error (UlAdminWindow *self, const char *what, const GError *error)
{
  g_autofree char *text = ul_ui_error_text (what, error);

  gtk_label_set_text (GTK_LABEL (self->error_label), text);
  gtk_info_bar_set_revealed (GTK_INFO_BAR (self->error_bar), TRUE);
}

void
ul_admin_show_error (GtkWidget *widget, const char *what, const GError *error)
{
  GtkWidget *top = gtk_widget_get_toplevel (widget);

  /* a dialog over the window: its parent shows it */
  while (GTK_IS_WINDOW (top) && !UL_IS_ADMIN_WINDOW (top) &&
         gtk_window_get_transient_for (GTK_WINDOW (top)) != NULL)
    top = GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (top)));
  if (UL_IS_ADMIN_WINDOW (top))
    ul_admin_window_show_error (UL_ADMIN_WINDOW (top), what, error);
  else
    g_warning ("%s: %s", what, error->message);
}

static void
on_error_bar_response (GtkInfoBar *bar, int response, UlAdminWindow *self)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

static void
show_running (UlAdminWindow *self, gboolean running, const char *detail)
{
  gtk_widget_set_visible (self->daemon_missing, !running);
  gtk_label_set_text (GTK_LABEL (self->daemon_missing_detail), detail ? detail : "");
  gtk_widget_set_visible (self->daemon_missing_detail, detail != NULL);
  /* what was known stays in view, greyed: nothing in it can be acted on */
  gtk_widget_set_sensitive (self->page_stack, running);
  if (running)
    gtk_info_bar_set_revealed (GTK_INFO_BAR (self->error_bar), FALSE);
}

static void
on_running (UlLiveLists *lists, GParamSpec *pspec, UlAdminWindow *self)
{
  show_running (self, ul_live_lists_get_running (lists), NULL);
}

static void
on_load_failed (UlLiveLists *lists, GError *error, UlAdminWindow *self)
{
  ul_admin_window_show_error (self, _("The lists could not be loaded"), error);
}

static void
on_permission_allowed (GPermission *permission, GParamSpec *pspec, UlAdminWindow *self)
{
  /* unlocked after a refusal: load what was refused */
  if (g_permission_get_allowed (permission) && self->lists != NULL &&
      !ul_live_lists_get_loaded (self->lists))
    ul_live_lists_reload (self->lists);
}

static void
permission_ready (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlAdminWindow) self = data;
  g_autoptr(GError) error = NULL;
  GPermission *permission = polkit_permission_new_finish (res, &error);

  if (permission == NULL)
    {
      /* no polkit to ask: the daemon still asks for every call */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("no polkit permission for %s: %s", UL_VIEW_ACTION, error->message);
      return;
    }
  self->permission = permission;
  gtk_lock_button_set_permission (GTK_LOCK_BUTTON (self->lock_button), permission);
  gtk_widget_show (self->lock_button);
  g_signal_connect_object (permission, "notify::allowed", G_CALLBACK (on_permission_allowed),
                           self, 0);
}

static void
proxy_ready (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlAdminWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(UlBusManager1) manager = ul_bus_manager1_proxy_new_finish (res, &error);

  if (manager == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* no system bus at all: said on the panel, there is nothing to wait for */
      show_running (self, FALSE, error->message);
      return;
    }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (manager), UL_CLIENT_TIMEOUT_MS);
  self->lists = ul_live_lists_new (manager);
  g_signal_connect_object (self->lists, "notify::running", G_CALLBACK (on_running), self, 0);
  g_signal_connect_object (self->lists, "load-failed", G_CALLBACK (on_load_failed), self, 0);
  ul_requests_page_set_lists (UL_REQUESTS_PAGE (self->requests_page), self->lists);
  ul_devices_page_set_lists (UL_DEVICES_PAGE (self->devices_page), self->lists);
  ul_media_page_set_lists (UL_MEDIA_PAGE (self->media_page), self->lists);
  ul_sessions_page_set_lists (UL_SESSIONS_PAGE (self->sessions_page), self->lists);
  ul_erase_page_set_lists (UL_ERASE_PAGE (self->erase_page), self->lists);
  ul_ledger_page_set_lists (UL_LEDGER_PAGE (self->ledger_page), self->lists);
  ul_log_page_set_lists (UL_LOG_PAGE (self->log_page), self->lists);
  show_running (self, ul_live_lists_get_running (self->lists), NULL);
}

static void
bus_ready (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlAdminWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (res, &error);

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_running (self, FALSE, error->message);
      return;
    }
  /* never start the daemon by calling it: its unit starts it at boot */
  ul_bus_manager1_proxy_new (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, UL_CLIENT_BUS_NAME,
                             UL_CLIENT_OBJECT_PATH, self->cancellable, proxy_ready,
                             g_object_ref (self));
}

UlLiveLists *
ul_admin_window_get_lists (UlAdminWindow *self)
{
  return self->lists;
}

static void
ul_admin_window_dispose (GObject *object)
{
  UlAdminWindow *self = UL_ADMIN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->permission);
  G_OBJECT_CLASS (ul_admin_window_parent_class)->dispose (object);
}

static void
ul_admin_window_class_init (UlAdminWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_admin_window_dispose;
  ul_admin_register_resources ();
  g_type_ensure (UL_TYPE_REQUESTS_PAGE);
  g_type_ensure (UL_TYPE_DEVICES_PAGE);
  g_type_ensure (UL_TYPE_MEDIA_PAGE);
  g_type_ensure (UL_TYPE_SESSIONS_PAGE);
  g_type_ensure (UL_TYPE_ERASE_PAGE);
  g_type_ensure (UL_TYPE_LEDGER_PAGE);
  g_type_ensure (UL_TYPE_LOG_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-admin-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, daemon_missing);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, daemon_missing_detail);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, requests_page);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, devices_page);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, media_page);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, sessions_page);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, erase_page);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, ledger_page);
  gtk_widget_class_bind_template_child (widget_class, UlAdminWindow, log_page);
  gtk_widget_class_bind_template_callback (widget_class, on_error_bar_response);
}

static void
ul_admin_window_init (UlAdminWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

UlAdminWindow *
ul_admin_window_new (GtkApplication *app, GDBusConnection *bus)
{
  UlAdminWindow *self = g_object_new (UL_TYPE_ADMIN_WINDOW, "application", app, NULL);

  polkit_permission_new (UL_VIEW_ACTION, NULL, self->cancellable, permission_ready,
                         g_object_ref (self));
  if (bus != NULL)
    ul_bus_manager1_proxy_new (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, UL_CLIENT_BUS_NAME,
                               UL_CLIENT_OBJECT_PATH, self->cancellable, proxy_ready,
                               g_object_ref (self));
  else
    g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, bus_ready, g_object_ref (self));
  return self;
}
