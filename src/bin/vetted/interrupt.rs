//! Ctrl-C for long file work (import, export): the first press asks the running operation to
//! stop — it then leaves the database and the output exactly as they were — and a second press
//! exits at once (a later open cleans up what an interrupted import staged).

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);

/// The flag Ctrl-C sets; installs the handler on first use.
pub fn cancel_flag() -> &'static AtomicBool {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            if CANCEL.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\nstopping… (press Ctrl-C again to quit at once)");
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C will kill the process instead of stopping cleanly: {e}");
        }
    });
    &CANCEL
}
