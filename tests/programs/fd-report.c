/* fd-report: what a child process sees from the inside, for the tests. Writes to stdout one line
 * per fact: its ids, umask, nice level, working directory, signal mask and ignored signals,
 * NOFILE limit, every open fd (number, close-on-exec, non-blocking, kind, socket address), and
 * every environment variable. Then exits 0, or with the status given as its first argument. */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static const char *kind(int fd)
{
        struct stat st;
        int type = 0;
        socklen_t len = sizeof(type);

        if (fstat(fd, &st) < 0)
                return "?";
        if (S_ISSOCK(st.st_mode)) {
                getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
                return type == SOCK_STREAM ? "stream" : type == SOCK_DGRAM ? "datagram" : "seqpacket";
        }
        return S_ISFIFO(st.st_mode)  ? "fifo"
               : S_ISCHR(st.st_mode) ? "chr"
               : S_ISREG(st.st_mode) ? "file"
                                     : "other";
}

static void report_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;
        int own = d ? dirfd(d) : -1;

        while (d && (de = readdir(d))) {
                int fd = atoi(de->d_name);
                int fdflags, flflags;

                if (de->d_name[0] == '.' || fd == own)
                        continue;
                fdflags = fcntl(fd, F_GETFD);
                flflags = fcntl(fd, F_GETFL);
                printf("fd %d cloexec=%d nonblock=%d kind=%s", fd, !!(fdflags & FD_CLOEXEC),
                       !!(flflags & O_NONBLOCK), kind(fd));
                struct sockaddr_un sa;
                socklen_t len = sizeof(sa);
                if (getsockname(fd, (struct sockaddr *) &sa, &len) == 0 && sa.sun_family == AF_UNIX &&
                    len > sizeof(sa.sun_family))
                        printf(" path=%s", sa.sun_path);
                printf("\n");
        }
        if (d)
                closedir(d);
}

int main(int argc, char *argv[])
{
        gid_t groups[64];
        int n = getgroups(64, groups);
        sigset_t mask;
        char cwd[4096];
        mode_t um = umask(0);
        struct rlimit rl;

        printf("pid %d\n", (int) getpid());
        printf("uid %d %d\n", (int) getuid(), (int) geteuid());
        printf("gid %d %d\n", (int) getgid(), (int) getegid());
        printf("groups");
        for (int i = 0; i < n; i++)
                printf(" %d", (int) groups[i]);
        printf("\n");
        printf("umask %04o\n", (unsigned) um);
        printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
        printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
        printf("sid %d pgid %d\n", (int) getsid(0), (int) getpgid(0));
        sigprocmask(SIG_SETMASK, NULL, &mask);
        printf("blocked");
        for (int sig = 1; sig < NSIG; sig++)
                if (sigismember(&mask, sig) == 1)
                        printf(" %d", sig);
        printf("\nignored");
        for (int sig = 1; sig < NSIG; sig++) {
                struct sigaction sa;
                if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
                        printf(" %d", sig);
        }
        printf("\n");
        getrlimit(RLIMIT_NOFILE, &rl);
        printf("nofile %llu %llu\n", (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
        for (int i = 0; i < argc; i++)
                printf("arg %d %s\n", i, argv[i]);
        report_fds();
        for (char **e = environ; *e; e++)
                printf("env %s\n", *e);
        fflush(stdout);
        return argc > 1 ? atoi(argv[1]) : 0;
}
