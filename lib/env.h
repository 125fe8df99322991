/* Environment variables as units and services use them: names, NAME=value assignments, and
 * setting one in a list where the last assignment of a name wins. Pure string code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A name of n bytes: letters, digits and "_", not starting with a digit. */
bool env_name_is_valid(const char *s, size_t n);
/* "NAME=value" with a valid name. */
bool env_assignment_is_valid(const char *s);
/* Replaces the assignment of the same name in *env, or appends; takes ownership of assignment
 * (freed on failure). Returns 0 or -ENOMEM. */
int env_set(char ***env, char *assignment);
