//! How the webview composites its frames on Linux.
//!
//! WebKitGTK composites with OpenGL by default. Without a GPU (a VM, a remote desktop, CI) that
//! GL is Mesa's software rasterizer, and every frame — even one that changes a single row —
//! costs tens of milliseconds of CPU before it reaches the screen. Painting without
//! accelerated compositing is measured faster there (keypress → next item painted, p95, see
//! docs/PERFORMANCE.md), so the app turns compositing off when the machine has no GPU render
//! node. With a GPU, or when the user set `WEBKIT_DISABLE_COMPOSITING_MODE` themselves, WebKit's
//! default stands.

use std::path::Path;

/// Where the kernel lists DRM devices; a `renderD*` node there is a GPU that GL can use.
const DRM_DIR: &str = "/dev/dri";

/// Whether to turn accelerated compositing off: no GPU render node under `drm_dir` and no
/// explicit choice by the user (`user_choice` is `WEBKIT_DISABLE_COMPOSITING_MODE`'s value).
pub fn composite_in_software(drm_dir: &Path, user_choice: Option<&std::ffi::OsStr>) -> bool {
    if user_choice.is_some() {
        return false;
    }
    let has_render_node = std::fs::read_dir(drm_dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    !has_render_node
}

/// Applies [`composite_in_software`] to `webview`'s settings.
#[cfg(target_os = "linux")]
pub fn configure(webview: &tauri::WebviewWindow) -> tauri::Result<()> {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if !composite_in_software(
        Path::new(DRM_DIR),
        std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").as_deref(),
    ) {
        return Ok(());
    }
    webview.with_webview(|platform| {
        if let Some(settings) = WebViewExt::settings(&platform.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    })
}

/// Other platforms keep their webview's default.
#[cfg(not(target_os = "linux"))]
pub fn configure(_webview: &tauri::WebviewWindow) -> tauri::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::composite_in_software;

    #[test]
    fn software_compositing_only_without_a_gpu_and_without_a_user_choice() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-dri");
        assert!(
            composite_in_software(&missing, None),
            "no /dev/dri at all: no GPU, so no GL compositing"
        );
        std::fs::write(dir.path().join("card0"), "").unwrap();
        assert!(
            composite_in_software(dir.path(), None),
            "a display card without a render node gives GL no GPU"
        );
        std::fs::write(dir.path().join("renderD128"), "").unwrap();
        assert!(
            !composite_in_software(dir.path(), None),
            "a render node is a GPU: WebKit's default stands"
        );
        assert!(
            !composite_in_software(&missing, Some(OsStr::new("0"))),
            "the user's own WEBKIT_DISABLE_COMPOSITING_MODE wins"
        );
    }
}
