/* ul-approve-dialog.h: approving a pending request: the medium's 管理番号
 * (the next free one proposed), label, holder, who may use it, until when
 * (the end of the fiscal year proposed), read-only (preselected) or
 * read-write, and the purpose. Nothing is decided without the supervisor's
 * click on Approve: no timer, and Enter does not approve (the default
 * button is Cancel). The dialog calls ApproveRequest itself and stays open
 * with the reason when it is refused; the lists change when the daemon
 * says so. */
#pragma once

#include <gtk/gtk.h>

#include "ul-client-record.h"
#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_APPROVE_DIALOG (ul_approve_dialog_get_type ())
G_DECLARE_FINAL_TYPE (UlApproveDialog, ul_approve_dialog, UL, APPROVE_DIALOG, GtkDialog)

/* @request: the pending request's record */
UlApproveDialog *ul_approve_dialog_new (GtkWindow *parent, UlLiveLists *lists,
                                        UlClientRecord *request);

G_END_DECLS
