/* Unit tests of ul-vocabulary.c: every code the daemon sends has a label
 * in the person's language and in the city's documents; the Japanese
 * catalog translates the labels (a Japanese CLI or window never shows the
 * English), and a code without an entry is shown as it is. */
#include "config.h"

#include "ul-erase.h"
#include "ul-policy.h"
#include "ul-medium.h"
#include "ul-vocabulary.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>

static void
test_every_entry_is_whole_and_once (void)
{
  for (UlVocabKind k = 0; k < UL_VOCAB_N_KINDS; k++)
    {
      guint n = 0;
      const UlVocabEntry *e = ul_vocabulary_entries (k, &n);

      g_assert_cmpuint (n, >, 0);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpstr (e[i].code, !=, "");
          g_assert_cmpstr (e[i].label, !=, "");
          g_assert_cmpstr (e[i].document, !=, "");
          /* the documents are Japanese: not the English label */
          g_assert_cmpstr (e[i].document, !=, e[i].label);
          for (guint j = 0; j < i; j++)
            g_assert_cmpstr (e[i].code, !=, e[j].code);
        }
    }
}

/* every decision the policy makes is in the vocabulary */
static void
test_every_decision_has_a_label (void)
{
  for (UlDecision d = UL_DECISION_NOT_STORAGE; d <= UL_DECISION_UNDECIDED; d++)
    {
      const char *code = ul_decision_to_string (d);

      g_assert_cmpstr (ul_vocabulary_document_label (UL_VOCAB_DECISION, code), !=, code);
    }
}

/* every status a medium can have is in the vocabulary (the media page) */
static void
test_every_medium_status_has_a_label (void)
{
  for (UlMediumStatus st = UL_MEDIUM_ACTIVE; st <= UL_MEDIUM_DISPOSED; st++)
    {
      const char *code = ul_medium_status_to_string (st);

      g_assert_nonnull (code);
      g_assert_cmpstr (ul_vocabulary_document_label (UL_VOCAB_MEDIUM_STATUS, code), !=, code);
    }
}

/* every way an erasure can end is in the vocabulary (the erase dialog) */
static void
test_every_erase_outcome_has_a_label (void)
{
  for (UlEraseOutcome o = UL_ERASE_OK; o <= UL_ERASE_INTERRUPTED; o++)
    {
      const char *code = ul_erase_outcome_to_string (o);

      g_assert_cmpstr (ul_vocabulary_document_label (UL_VOCAB_ERASE_OUTCOME, code), !=, code);
    }
}

static void
test_unknown_code_shown_as_it_is (void)
{
  g_assert_cmpstr (ul_vocabulary_label (UL_VOCAB_END_REASON, "new-reason"), ==, "new-reason");
  g_assert_cmpstr (ul_vocabulary_document_label (UL_VOCAB_INCIDENT, "new-kind"), ==,
                   "new-kind");
  g_assert_cmpstr (ul_vocabulary_label (UL_VOCAB_REMARK, NULL), ==, "");
}

/* in Japanese, with the catalog the build made (G_TEST_BUILDDIR/../../po):
 * every label is translated */
static void
test_japanese_catalog_translates_every_label (void)
{
  g_autofree char *locale_dir = g_test_build_filename (G_TEST_BUILT, "..", "..", "po", NULL);

  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    g_test_incomplete ("no C.UTF-8 locale");
  g_setenv ("LANGUAGE", "ja", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  for (UlVocabKind k = 0; k < UL_VOCAB_N_KINDS; k++)
    {
      guint n = 0;
      const UlVocabEntry *e = ul_vocabulary_entries (k, &n);

      for (guint i = 0; i < n; i++)
        {
          const char *shown = ul_vocabulary_label (k, e[i].code);

          if (g_str_equal (shown, e[i].label))
            g_error ("\"%s\" (%s) has no Japanese in po/ja.po", e[i].label, e[i].code);
        }
    }
  g_assert_cmpstr (ul_vocabulary_label (UL_VOCAB_END_REASON, "yanked"), ==, "強制抜去");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vocabulary/every-entry-is-whole-and-once", test_every_entry_is_whole_and_once);
  g_test_add_func ("/vocabulary/every-medium-status", test_every_medium_status_has_a_label);
  g_test_add_func ("/vocabulary/every-decision-has-a-label", test_every_decision_has_a_label);
  g_test_add_func ("/vocabulary/every-erase-outcome", test_every_erase_outcome_has_a_label);
  g_test_add_func ("/vocabulary/unknown-code-shown-as-it-is", test_unknown_code_shown_as_it_is);
  g_test_add_func ("/vocabulary/japanese-catalog-translates-every-label",
                   test_japanese_catalog_translates_every_label);
  return g_test_run ();
}
