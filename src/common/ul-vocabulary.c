/* ul-vocabulary.c: see ul-vocabulary.h */
#include "config.h"

#include "ul-vocabulary.h"

#include <glib/gi18n-lib.h>

static const UlVocabEntry end_reasons[] = {
  { "removed", N_("removed"), "取り外し" },
  { "ejected", N_("ejected"), "取り外し" },
  { "yanked", N_("pulled out while in use"), "強制抜去" },
  { "blocked", N_("blocked"), "遮断" },
  { "erase-started", N_("erasure started"), "消去開始" },
  { "removed-while-daemon-down", N_("removed while usbledgerd was stopped"),
    "監視停止中に取り外し" },
  { "authorize-failed", N_("authorization failed"), "許可処理の失敗" },
};

static const UlVocabEntry remarks[] = {
  { "read-only", N_("read-only"), "読み取り専用" },
  { "card", N_("memory card"), "カード媒体" },
  { "seat-changed", N_("the person at the seat changed"), "使用中に利用者交代" },
  { "outside-changes", N_("changes made outside found"), "外部での変更を検出" },
  { "not-all-hashed", N_("not every file hashed"), "一部ファイルのハッシュ未取得" },
};

static const UlVocabEntry decisions[] = {
  { "block", N_("blocked"), "遮断" },
  { "block-and-request", N_("blocked, request raised"), "遮断 (申請受付)" },
  { "block-suspicious", N_("blocked, suspicious device"), "遮断 (不審な機器)" },
  { "allow", N_("allowed"), "許可" },
  { "allow-read-only", N_("allowed read-only"), "許可 (読み取り専用)" },
  { "allow-reader", N_("card reader: each card decided by itself"),
    "カードリーダー (カードごとに判定)" },
  { "not-storage", N_("not storage"), "記憶媒体以外" },
  { "undecided", N_("not decided yet"), "未判定" },
};

static const UlVocabEntry event_kinds[] = {
  { "daemon-started", N_("usbledgerd started"), "監視開始" },
  { "daemon-stopped", N_("usbledgerd stopped"), "監視停止" },
  { "device-added", N_("device plugged in"), "機器の接続" },
  { "device-coldplug", N_("device found at start"), "起動時に接続済みの機器" },
  { "device-removed", N_("device pulled out"), "機器の取り外し" },
  { "device-redecided", N_("device decided again"), "機器の再判定" },
  { "device-approved", N_("device approved"), "機器の承認" },
  { "device-revoked", N_("device revoked"), "機器の使用停止" },
  { "device-disposed", N_("device disposed"), "機器の廃棄" },
  { "device-suspicious", N_("suspicious device plugged in"), "不審な機器の接続" },
  { "card-inserted", N_("card put in a reader"), "カードの挿入" },
  { "request-created", N_("request raised"), "申請の受付" },
  { "request-approved", N_("request approved"), "申請の承認" },
  { "request-rejected", N_("request rejected"), "申請の却下" },
  { "request-suspicious", N_("a requested device found suspicious"),
    "申請中の機器が不審と判定" },
  { "medium-registered", N_("medium registered"), "媒体の登録" },
  { "medium-revoked", N_("medium revoked"), "媒体の使用停止" },
  { "medium-disposed", N_("medium disposed"), "媒体の廃棄" },
  { "medium-bound", N_("medium bound to its disks"), "媒体内容の紐付け" },
  { "medium-mounted", N_("medium mounted"), "媒体のマウント" },
  { "medium-unmounted", N_("medium unmounted"), "媒体のアンマウント" },
  { "medium-yanked", N_("pulled out while in use"), "使用中の強制抜去" },
  { "medium-changed-outside", N_("changes made outside found"), "外部での変更を検出" },
  { "medium-changed-inside", N_("the medium inside was swapped"), "媒体内容の入れ替え" },
  { "medium-binding-differs", N_("not the medium registered"), "登録時と異なる媒体内容" },
  { "medium-inside-not-allowed", N_("the medium inside is not allowed"),
    "中の媒体が許可されていない" },
  { "session-opened", N_("usage session opened"), "使用の開始" },
  { "session-closed", N_("usage session closed"), "使用の終了" },
  { "session-resumed", N_("usage session resumed"), "使用の再開" },
  { "session-seat-changed", N_("the person at the seat changed"), "使用中に利用者交代" },
  { "suspicion-overridden", N_("registered despite suspicion"), "不審判定を承知の上で登録" },
  { "weak-serial-accepted", N_("registered with a serial that is not unique"),
    "一意でないシリアル番号の登録" },
  { "erase-started", N_("erasure started"), "消去開始" },
  { "erase-failed", N_("erasure failed"), "消去の失敗" },
  { "erase-interrupted", N_("erasure interrupted"), "消去の中断" },
  { "certificate-issued", N_("erasure certificate issued"), "消去証明書の発行" },
  { "ledger-exported", N_("monthly ledger exported"), "月次使用簿の書き出し" },
  { "chain-checkpoint", N_("logbook checkpoint signed"), "記録の署名チェックポイント" },
  { "chain-checkpoint-mismatch", N_("logbook differs from its checkpoint"),
    "記録がチェックポイントと不一致" },
  { "logbook-corrupt", N_("logbook damaged"), "記録の破損" },
  { "manifest-not-checked", N_("files not checked at unmount"), "取り外し時の照合なし" },
  { "records-backlog", N_("file records waiting for the logbook"), "記録待ちのファイル記録" },
  { "policy-reloaded", N_("configuration reloaded"), "設定の再読み込み" },
  { "driver-aliases-missing", N_("driver table missing"), "ドライバー表の欠落" },
};

static const UlVocabEntry medium_states[] = {
  { "active", N_("in use"), "使用中" },
  { "revoked", N_("revoked"), "使用停止" },
  { "lost", N_("lost"), "紛失" },
  { "disposed", N_("disposed"), "廃棄済み" },
};

static const UlVocabEntry erase_outcomes[] = {
  { "verified", N_("erased and verified"), "消去・検証済み" },
  { "failed", N_("failed"), "失敗" },
  { "interrupted", N_("interrupted"), "中断" },
};

static const UlVocabEntry request_states[] = {
  { "pending", N_("pending"), "未決" },
  { "approved", N_("approved"), "承認" },
  { "rejected", N_("rejected"), "却下" },
};

static const UlVocabEntry incidents[] = {
  { "device-suspicious", N_("suspicious device plugged in"), "不審な機器の接続" },
  { "request-suspicious", N_("a requested device found suspicious"),
    "申請中の機器が不審と判定" },
  { "suspicion-overridden", N_("registered despite suspicion"),
    "不審判定を承知の上で登録" },
  { "weak-serial-accepted", N_("registered with a serial that is not unique"),
    "一意でないシリアル番号の登録" },
  { "medium-yanked", N_("pulled out while in use"), "使用中の強制抜去" },
  { "erase-failed", N_("erasure failed"), "消去の失敗" },
  { "erase-interrupted", N_("erasure interrupted"), "消去の中断" },
  { "medium-changed-outside", N_("changes made outside found"), "外部での変更を検出" },
  { "medium-changed-inside", N_("the medium inside was swapped"), "媒体内容の入れ替え" },
  { "medium-binding-differs", N_("not the medium registered"),
    "登録時と異なる媒体内容" },
  { "medium-disposed", N_("medium disposed"), "媒体の廃棄" },
  { "authorize-failed", N_("allowing or blocking failed"), "許可・遮断処理の失敗" },
  { "records-backlog", N_("records backlog"), "記録の滞留" },
  { "driver-aliases-missing", N_("driver list missing"), "ドライバ一覧の欠落" },
  { "policy-reload-failed", N_("configuration reload failed"), "設定再読込の失敗" },
  { "manifest-not-checked", N_("not checked at unmount"), "取り外し時の照合不能" },
  { "chain-checkpoint-mismatch", N_("logbook differs from its signed checkpoint"),
    "記録が署名済みの控えと不一致" },
  { "logbook-corrupt", N_("logbook file damaged"), "使用簿ファイルの破損" },
};

static const UlVocabEntry file_actions[] = {
  { "created", N_("created"), "作成" },
  { "modified", N_("modified"), "変更" },
  { "renamed", N_("renamed"), "名前変更" },
  { "deleted", N_("deleted"), "削除" },
  { "written", N_("written"), "書込" },
};

/* the daemon's reason also has the details (which medium, which user,
 * which interfaces): the label says why, the details are shown beside it */
static const UlVocabEntry reasons[] = {
  { "not-registered", N_("not registered"), "未登録" },
  { "medium-not-active", N_("the medium's registration is revoked or disposed"),
    "登録の取り消しまたは廃棄済み" },
  { "descriptors-differ", N_("possible clone: not the device registered"),
    "複製の疑い (登録時と異なる機器情報)" },
  { "not-valid-yet", N_("registration not valid yet"), "登録の有効期間前" },
  { "expired", N_("registration expired"), "登録の有効期限切れ" },
  { "no-one-logged-in", N_("no one is logged in, and the medium is for named users"),
    "ログインしている利用者がいない (利用者指定の媒体)" },
  { "user-not-allowed", N_("the person at the seat may not use this medium"),
    "利用者が許可されていない" },
  { "card-reader", N_("registered card reader: each card is decided by itself"),
    "登録済みカードリーダー (カードごとに判定)" },
  { "registered-read-only", N_("registered, read-only"), "登録済み (読み取り専用)" },
  { "registered", N_("registered"), "登録済み" },
  { "possible-clone", N_("possible clone: another device with the same identity"),
    "複製の疑い (同じ識別情報の機器が他にある)" },
  { "shared-account", N_("the person at the seat uses a shared account"),
    "共用アカウントでの使用" },
  { "malformed-descriptors", N_("malformed USB descriptors"), "USB 機器情報の異常" },
  { "not-storage", N_("not a storage device"), "記憶媒体以外" },
  { "vendor-id-zero", N_("vendor id 0000: no real product"),
    "ベンダー ID 0000 (実在しない製品)" },
  { "storage-with-hid", N_("storage combined with a keyboard or mouse"),
    "記憶媒体とキーボード・マウスの複合機器" },
  { "other-device-allowed", N_("not storage; other devices allowed by the configuration"),
    "記憶媒体以外 (設定により許可)" },
  { "other-device-blocked", N_("not a known harmless device; blocked by the configuration"),
    "既知の無害な機器ではない (設定により遮断)" },
  { "no-serial", N_("no serial number: cannot be registered"),
    "シリアル番号がなく登録できない" },
  { "card-being-read", N_("the card is being read"), "カードを読み取り中" },
  { "waiting-for-logind", N_("waiting to learn who is at the seat"), "利用者の確認待ち" },
  { "logbook-unreadable", N_("the logbook cannot be read"), "使用簿を読めない" },
  { "logbook-unwritable", N_("the logbook cannot be written"), "使用簿に記録できない" },
  { "medium-inside-not-allowed", N_("the medium inside is not allowed"),
    "中の媒体が許可されていない" },
  { "records-backlog", N_("records backlog"), "記録の滞留" },
};

static const struct {
  const UlVocabEntry *entries;
  guint n;
} tables[UL_VOCAB_N_KINDS] = {
  [UL_VOCAB_END_REASON] = { end_reasons, G_N_ELEMENTS (end_reasons) },
  [UL_VOCAB_REMARK] = { remarks, G_N_ELEMENTS (remarks) },
  [UL_VOCAB_DECISION] = { decisions, G_N_ELEMENTS (decisions) },
  [UL_VOCAB_REQUEST_STATE] = { request_states, G_N_ELEMENTS (request_states) },
  [UL_VOCAB_INCIDENT] = { incidents, G_N_ELEMENTS (incidents) },
  [UL_VOCAB_FILE_ACTION] = { file_actions, G_N_ELEMENTS (file_actions) },
  [UL_VOCAB_REASON] = { reasons, G_N_ELEMENTS (reasons) },
  [UL_VOCAB_MEDIUM_STATUS] = { medium_states, G_N_ELEMENTS (medium_states) },
  [UL_VOCAB_EVENT] = { event_kinds, G_N_ELEMENTS (event_kinds) },
  [UL_VOCAB_ERASE_OUTCOME] = { erase_outcomes, G_N_ELEMENTS (erase_outcomes) },
};

static const UlVocabEntry *
lookup (UlVocabKind kind, const char *code)
{
  g_return_val_if_fail (kind < UL_VOCAB_N_KINDS, NULL);
  for (guint i = 0; code != NULL && i < tables[kind].n; i++)
    if (g_str_equal (tables[kind].entries[i].code, code))
      return &tables[kind].entries[i];
  return NULL;
}

const char *
ul_vocabulary_label (UlVocabKind kind, const char *code)
{
  const UlVocabEntry *e = lookup (kind, code);

  if (e == NULL)
    return code != NULL ? code : "";
  return g_dgettext (GETTEXT_PACKAGE, e->label);
}

const char *
ul_vocabulary_document_label (UlVocabKind kind, const char *code)
{
  const UlVocabEntry *e = lookup (kind, code);

  if (e == NULL)
    return code != NULL ? code : "";
  return e->document;
}

const UlVocabEntry *
ul_vocabulary_entries (UlVocabKind kind, guint *n_entries)
{
  g_return_val_if_fail (kind < UL_VOCAB_N_KINDS, NULL);
  *n_entries = tables[kind].n;
  return tables[kind].entries;
}
