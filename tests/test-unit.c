/* Tests for lib/unit.c: the enums' names, and the names a socket unit derives. */
#include <sys/socket.h>

#include "tests.h"
#include "unit.h"
#include "util.h"

START_TEST(test_names)
{
        ck_assert_str_eq(listen_type_to_string(LISTEN_SEQPACKET), "ListenSequentialPacket");
        ck_assert_int_eq(listen_type_socket_type(LISTEN_DATAGRAM), SOCK_DGRAM);
        ck_assert_int_eq(listen_type_socket_type(LISTEN_FIFO), 0);
        ck_assert_str_eq(service_restart_to_string(RESTART_ON_ABNORMAL), "on-abnormal");
        ck_assert_str_eq(kill_mode_to_string(KILL_CONTROL_GROUP), "control-group");
        ck_assert_str_eq(std_output_to_string(STD_OUTPUT_TRUNCATE), "truncate");
        ck_assert_ptr_null(service_type_to_string(_SERVICE_TYPE_MAX));
        ck_assert_int_eq(service_type_names.n, _SERVICE_TYPE_MAX);
        ck_assert_int_eq(notify_access_names.n, _NOTIFY_ACCESS_MAX);
}
END_TEST

START_TEST(test_socket_derived_names)
{
        struct unit u = { .name = (char *) "web.socket", .type = UNIT_SOCKET };
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

        ck_assert_int_eq(unit_socket_service_name(&u, &a), 0);
        ck_assert_str_eq(a, "web.service");
        ck_assert_str_eq(unit_socket_fd_name(&u), "web.socket");

        u.socket.accept = true;
        ck_assert_int_eq(unit_socket_service_name(&u, &b), 0);
        ck_assert_str_eq(b, "web@.service");
        ck_assert_str_eq(unit_socket_fd_name(&u), "connection");

        u.socket.accept = false;
        u.socket.service = (char *) "backend.service";
        u.socket.fd_name = (char *) "http";
        ck_assert_int_eq(unit_socket_service_name(&u, &c), 0);
        ck_assert_str_eq(c, "backend.service");
        ck_assert_str_eq(unit_socket_fd_name(&u), "http");

        u = (struct unit){ .name = (char *) "app@8080.socket", .type = UNIT_SOCKET };
        ck_assert_int_eq(unit_socket_service_name(&u, &d), 0);
        ck_assert_str_eq(d, "app@8080.service");
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("unit");
        TCase *t = tcase_create("unit");

        tcase_add_test(t, test_names);
        tcase_add_test(t, test_socket_derived_names);
        suite_add_tcase(s, t);
        return s;
}
