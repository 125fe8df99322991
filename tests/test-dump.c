/* Tests for lib/dump.c: what --dump prints is the effective configuration, and it reads back to
 * the same configuration. */
#include "dump.h"
#include "support.h"
#include "tests.h"

static char *dump_text(const struct unit *u)
{
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        ck_assert_ptr_nonnull(f);
        unit_dump(u, f);
        fclose(f);
        return text;
}

/* Dump every good fixture, load the dump, dump again: the two texts are the same. */
START_TEST(test_round_trip)
{
        _cleanup_strv_free_ char **cases = list_fixtures("good");

        for (size_t c = 0; cases[c]; c++) {
                struct diag diag = { 0 };
                struct unit_set set = load_fixture("good", cases[c], &diag);

                for (size_t i = 0; i < set.n; i++) {
                        _cleanup_free_ char *first = dump_text(set.units[i]), *second = NULL;
                        struct unit *again = load_text(set.units[i]->name, first, &diag);

                        ck_assert_msg(again, "%s: %s", set.units[i]->name, diag.n ? diag.messages[0] : "");
                        free(again->path);
                        again->path = strdup(set.units[i]->path);
                        second = dump_text(again);
                        ck_assert_str_eq(first, second);
                        unit_free(again);
                }
                unit_set_clear(&set);
        }
}
END_TEST

START_TEST(test_effective_values)
{
        struct diag diag = { 0 };
        struct unit *u = load_text(
                "web.socket", "[Socket]\nListenStream=/run/%p.sock\nAccept=yes\nDescription=x\n", &diag);
        _cleanup_free_ char *text = NULL;

        ck_assert_ptr_null(u); /* Description= belongs in [Unit] */
        diag_clear(&diag);
        u = load_text("web.socket",
                      "[Unit]\nDescription=100%% web\n[Socket]\nListenStream=/run/%p.sock\nAccept=yes\n",
                      &diag);
        ck_assert_ptr_nonnull(u);
        text = dump_text(u);
        ck_assert(startswith(text, "# web.socket: the effective configuration, read from web.socket\n"));
        ck_assert_ptr_nonnull(
                strstr(text, "\nDescription=100%% web\n")); /* "%" written so that it reads back */
        ck_assert_ptr_nonnull(strstr(text, "\nListenStream=/run/web.sock\n# ListenDatagram= (none)\n"));
        ck_assert_ptr_nonnull(
                strstr(text, "\n# Service= (each connection starts an instance of web@.service)\n"));
        ck_assert_ptr_nonnull(strstr(text, "\nFileDescriptorName=connection\n"));
        ck_assert_ptr_nonnull(strstr(text, "\nTriggerLimitBurst=200\n"));
        ck_assert_ptr_null(strstr(text, "[Service]"));
        unit_free(u);
}
END_TEST

Suite *dump_suite(void)
{
        Suite *s = suite_create("dump");
        TCase *t = tcase_create("dump");

        tcase_add_test(t, test_round_trip);
        tcase_add_test(t, test_effective_values);
        suite_add_tcase(s, t);
        return s;
}
