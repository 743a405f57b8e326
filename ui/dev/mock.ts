// Entry of dev/mock.html: installs the mocked IPC, then starts the real app.
import { mockIPC } from "@tauri-apps/api/mocks";
import { createMockBackend } from "./mockBackend";

const params = new URLSearchParams(window.location.search);
const backend = createMockBackend({ copies: Number(params.get("copies") ?? "50"), reviewer: "dana.reviewer", hostile: params.has("hostile"), team: params.has("team") });
mockIPC((command, args) => backend(command, args as Record<string, unknown>));
await import("../src/main");
