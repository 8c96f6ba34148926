/* ul-admin-application.c: see ul-admin-application.h */
#include "ul-admin-application.h"
#include "ul-admin-window.h"

struct _UlAdminApplication {
  GtkApplication parent;
};

G_DEFINE_TYPE (UlAdminApplication, ul_admin_application, GTK_TYPE_APPLICATION)

static void
on_quit (GSimpleAction *action, GVariant *parameter, gpointer app)
{
  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "quit", on_quit, NULL, NULL, NULL, { 0 } },
};

static void
ul_admin_application_startup (GApplication *app)
{
  static const char *const quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (ul_admin_application_parent_class)->startup (app);
  ul_admin_load_style ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
ul_admin_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (ul_admin_window_new (GTK_APPLICATION (app), NULL));
  gtk_window_present (window);
}

static void
ul_admin_application_class_init (UlAdminApplicationClass *klass)
{
  G_APPLICATION_CLASS (klass)->startup = ul_admin_application_startup;
  G_APPLICATION_CLASS (klass)->activate = ul_admin_application_activate;
}

static void
ul_admin_application_init (UlAdminApplication *self)
{
}

UlAdminApplication *
ul_admin_application_new (void)
{
  return g_object_new (UL_TYPE_ADMIN_APPLICATION,
                       "application-id", "org.usbledger.Admin",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
