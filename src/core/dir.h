/*
** dir.h: output folders. Every command that writes into a folder the user
** names (--out DIR) makes it the way `mkdir -p` does, so a fresh checkout
** or a new path works on the first try.
*/
#ifndef AVN_DIR_H
#define AVN_DIR_H

#include "core/rc.h"

/* Creates dir and every missing parent (mode 0777 less the umask). OK when
** dir already is a directory. AVN_E_IO naming the component that could not
** be made and the system's reason, or a path that exists as something other
** than a directory. */
avn_rc avn_mkdir_p(const char *dir, avn_err *e);

#endif
