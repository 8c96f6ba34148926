/* ul-report-certificate.h: the printed erasure certificate (消去証明書) and
 * disposal record (記録媒体廃棄記録), drawn from the very JSON that was
 * signed (or, for a disposal, recorded), so paper and file cannot differ */
#pragma once

#include "ul-report-document.h"

G_BEGIN_DECLS

/* @json: a certificate as signed (its "certificate" key), or a disposal
 * record (its "disposal" key); A4 portrait, one page */
UlReportDocument *ul_report_certificate_new (GBytes *json, GError **error);

G_END_DECLS
