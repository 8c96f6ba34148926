/* ul-report-labels.c: see ul-report-labels.h */
#include "ul-report-labels.h"

typedef struct {
  const char *code;
  const char *label;
} Label;

static const char *
lookup (const Label *table, gsize n, const char *code)
{
  if (code == NULL)
    return "";
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (table[i].code, code))
      return table[i].label;
  return code;
}

static const Label end_reasons[] = {
  { "removed", "取り外し" },
  { "ejected", "取り外し" },
  { "yanked", "強制抜去" },
  { "blocked", "遮断" },
  { "erase-started", "消去開始" },
  { "removed-while-daemon-down", "監視停止中に取り外し" },
  { "authorize-failed", "許可処理の失敗" },
};

static const Label remarks[] = {
  { "read-only", "読み取り専用" },
  { "card", "カード媒体" },
  { "seat-changed", "使用中に利用者交代" },
  { "outside-changes", "外部での変更を検出" },
  { "not-all-hashed", "一部ファイルのハッシュ未取得" },
};

static const Label decisions[] = {
  { "block", "遮断" },
  { "block-and-request", "遮断 (申請受付)" },
  { "block-suspicious", "遮断 (不審な機器)" },
  { "allow", "許可" },
  { "allow-read-only", "許可 (読み取り専用)" },
};

static const Label request_states[] = {
  { "pending", "未決" },
  { "approved", "承認" },
  { "rejected", "却下" },
};

static const Label incidents[] = {
  { "device-suspicious", "不審な機器の接続" },
  { "request-suspicious", "申請中の機器が不審と判定" },
  { "suspicion-overridden", "不審判定を承知の上で登録" },
  { "weak-serial-accepted", "一意でないシリアル番号の登録" },
  { "medium-yanked", "使用中の強制抜去" },
  { "erase-failed", "消去の失敗" },
  { "erase-interrupted", "消去の中断" },
  { "medium-changed-outside", "外部での変更を検出" },
  { "medium-changed-inside", "媒体内容の入れ替え" },
  { "medium-binding-differs", "登録時と異なる媒体内容" },
  { "medium-disposed", "媒体の廃棄" },
  { "authorize-failed", "許可・遮断処理の失敗" },
  { "records-backlog", "記録の滞留" },
  { "driver-aliases-missing", "ドライバ一覧の欠落" },
  { "policy-reload-failed", "設定再読込の失敗" },
  { "manifest-not-checked", "取り外し時の照合不能" },
  { "chain-checkpoint-mismatch", "記録が署名済みの控えと不一致" },
  { "logbook-corrupt", "使用簿ファイルの破損" },
};

const char *
ul_report_end_reason_label (const char *code)
{
  return lookup (end_reasons, G_N_ELEMENTS (end_reasons), code);
}

const char *
ul_report_remark_label (const char *code)
{
  return lookup (remarks, G_N_ELEMENTS (remarks), code);
}

const char *
ul_report_decision_label (const char *code)
{
  return lookup (decisions, G_N_ELEMENTS (decisions), code);
}

const char *
ul_report_request_state_label (const char *code)
{
  return lookup (request_states, G_N_ELEMENTS (request_states), code);
}

const char *
ul_report_incident_label (const char *code)
{
  return lookup (incidents, G_N_ELEMENTS (incidents), code);
}
