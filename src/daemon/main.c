/* usbledgerd: see ul-daemon.c */
#include <locale.h>

#include "ul-daemon.h"

int
main (int argc, char **argv)
{
  UlDaemonOptions opts = { 0 };
  int code = 0;

  setlocale (LC_ALL, "");
  if (ul_daemon_parse_args (&argc, &argv, &opts, &code))
    code = opts.verify_logbook ? ul_daemon_verify_logbook (&opts) : ul_daemon_run (&opts);
  ul_daemon_options_clear (&opts);
  return code;
}
