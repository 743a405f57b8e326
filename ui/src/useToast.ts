import { useCallback, useEffect, useRef, useState } from "react";

export interface ToastMessage {
  tone: "success" | "info" | "error";
  text: string;
  /** e.g. Retry after a failed decision. */
  action?: { label: string; run: () => void };
}

const VISIBLE_MS = { success: 2500, info: 4000, error: 10000 } as const;

export function useToast() {
  const [toast, setToast] = useState<(ToastMessage & { serial: number }) | null>(null);
  const serial = useRef(0);

  const showToast = useCallback((message: ToastMessage) => {
    serial.current += 1;
    setToast({ ...message, serial: serial.current });
  }, []);
  const dismissToast = useCallback(() => setToast(null), []);

  useEffect(() => {
    if (toast === null) return;
    const timer = window.setTimeout(() => setToast(null), VISIBLE_MS[toast.tone]);
    return () => window.clearTimeout(timer);
  }, [toast]);

  return { toast, showToast, dismissToast };
}
