import { defineConfig } from "vitest/config";

// Production input is index.html only; dev/mock.html (mocked IPC for UI work in a browser) is
// served by `npm run dev` but never bundled.
export default defineConfig({
  base: "./",
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true },
  test: { include: ["src/**/*.test.ts", "src/**/*.test.tsx"], environment: "node" },
});
