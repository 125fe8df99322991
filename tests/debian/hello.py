# The WSGI application that tests/test-debian.c serves with gunicorn: it names its worker and the
# worker's parent, gunicorn's main process (the arbiter). /exit sends the arbiter SIGTERM, as
# "kill -TERM" would, and gunicorn then shuts down gracefully after this answer.
import os
import signal


def application(environ, start_response):
    path = environ['PATH_INFO']
    if path == '/exit':
        os.kill(os.getppid(), signal.SIGTERM)
    body = 'hello from gunicorn: worker=%d arbiter=%d path=%s\n' % (
        os.getpid(), os.getppid(), path)
    start_response('200 OK', [('Content-Type', 'text/plain'),
                              ('Content-Length', str(len(body)))])
    return [body.encode()]
