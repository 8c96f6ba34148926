/* ul-dbus-methods.c: see ul-dbus-methods.h. A few coarse polkit actions,
 * as a supervisor thinks of them: view, approve, erase, and report (sign
 * the ledger the city receives). */
#include "ul-dbus-methods.h"
#include "ul-dbus-handlers.h"
#include "ul-polkit-gate.h"

static const UlDbusMethod methods[] = {
  /* what is plugged in, asked for and registered */
  { "ListDevices", UL_ACTION_VIEW, FALSE, ul_dbus_list_devices },
  { "ListRequests", UL_ACTION_VIEW, FALSE, ul_dbus_list_requests },
  { "ApproveRequest", UL_ACTION_APPROVE, TRUE, ul_dbus_approve_request },
  { "RejectRequest", UL_ACTION_APPROVE, TRUE, ul_dbus_reject_request },
  { "RegisterMedium", UL_ACTION_APPROVE, TRUE, ul_dbus_register_medium },
  { "RevokeMedium", UL_ACTION_APPROVE, TRUE, ul_dbus_revoke_medium },
  { "ListMedia", UL_ACTION_VIEW, FALSE, ul_dbus_list_media },
  /* the usage log */
  { "ListSessions", UL_ACTION_VIEW, FALSE, ul_dbus_list_sessions },
  { "GetSession", UL_ACTION_VIEW, FALSE, ul_dbus_get_session },
  { "ListSessionFiles", UL_ACTION_VIEW, FALSE, ul_dbus_list_session_files },
  { "ListEvents", UL_ACTION_VIEW, FALSE, ul_dbus_list_events },
  { "VerifyEventLog", UL_ACTION_VIEW, FALSE, ul_dbus_verify_event_log },
  /* erasure and disposal */
  { "EraseMedium", UL_ACTION_ERASE, TRUE, ul_dbus_erase_medium },
  { "CancelErase", UL_ACTION_ERASE, TRUE, ul_dbus_cancel_erase },
  { "DisposeMedium", UL_ACTION_ERASE, TRUE, ul_dbus_dispose_medium },
  { "ListErasures", UL_ACTION_VIEW, FALSE, ul_dbus_list_erasures },
  { "GetCertificate", UL_ACTION_VIEW, FALSE, ul_dbus_get_certificate },
  { "GetCertificatePdf", UL_ACTION_VIEW, FALSE, ul_dbus_get_certificate_pdf },
  { "GetSigningCertificate", UL_ACTION_VIEW, FALSE, ul_dbus_get_signing_certificate },
  { "GetDisposalPdf", UL_ACTION_VIEW, FALSE, ul_dbus_get_disposal_pdf },
  /* the person at the seat: their own notices, no right needed */
  { "WatchNotices", UL_ACTION_OWN, TRUE, ul_dbus_watch_notices },
  /* the monthly ledger */
  { "GetLedger", UL_ACTION_VIEW, FALSE, ul_dbus_get_ledger },
  { "ExportLedger", UL_ACTION_REPORT, TRUE, ul_dbus_export_ledger },
};

const UlDbusMethod *
ul_dbus_method_lookup (const char *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (methods[i].method, method) == 0)
      return &methods[i];
  return NULL;
}

const UlDbusMethod *
ul_dbus_methods (guint *n_methods)
{
  *n_methods = G_N_ELEMENTS (methods);
  return methods;
}
