/* ul-config.h: usbledgerd's configuration file (GKeyFile):
 *
 *   [policy]
 *   shared-accounts=guest;kyoyu;admin
 *   other-devices=request        (or block, allow: devices neither storage nor harmless)
 *   [certificate]
 *   organisation=○○市 総務部 情報政策課
 *   [ledger]
 *   department=総務課
 *   seal-labels=作成者;所属長;情報セキュリティ管理者
 *   wareki=true                  (the monthly ledger also gives 令和8年11月)
 *
 * An absent file means the defaults; a file that cannot be read is an error
 * (a policy silently dropped would let shared accounts through). */
#pragma once

#include <glib.h>

#include "ul-policy.h"

G_BEGIN_DECLS

typedef struct {
  char **shared_accounts;
  UlOtherDevices other_devices;
  char *organisation;
  char *department;
  char **seal_labels;         /* NULL: the ledger's defaults */
  gboolean wareki;
} UlConfig;

UlConfig *ul_config_load (const char *path, GError **error);
void ul_config_free (UlConfig *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlConfig, ul_config_free)

G_END_DECLS
