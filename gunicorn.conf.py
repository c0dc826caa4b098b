"""gunicorn reads this file from the working directory: access-log lines go through the same
redaction as the application's own logs, so feed tokens and verification codes in URLs never
reach a log file; the error log's handlers carry the redacting filter too."""

from gunicorn.glogging import Logger

from metlib.log_redaction import RedactingFilter, redact


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                    handler.addFilter(RedactingFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


logger_class = RedactingLogger
