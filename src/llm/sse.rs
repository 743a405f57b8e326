//! Server-sent events as chat completion streams use them: `data: …` lines, events separated by
//! a blank line, `data: [DONE]` at the end. Comments (`: ping`) and other fields (`event:`,
//! `id:`) are skipped. Bytes arrive in arbitrary pieces; a line may be split anywhere, even
//! inside a UTF-8 character, so lines are cut from bytes before decoding.

/// One complete event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseEvent {
    /// The joined `data:` lines of one event.
    Data(String),
    /// `data: [DONE]`: the stream is complete.
    Done,
}

/// Incremental decoder: feed it bytes with [`SseDecoder::push`], collect events.
#[derive(Debug, Default)]
pub struct SseDecoder {
    pending: Vec<u8>,
    data: Vec<String>,
}

impl SseDecoder {
    /// Decodes every complete line in `bytes` (plus what was pending). Errors name the problem:
    /// a line that is not UTF-8.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, String> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = line.strip_suffix(b"\n").unwrap_or(&line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = std::str::from_utf8(line)
                .map_err(|_| "the stream sent a line that is not UTF-8".to_owned())?;
            self.line(line, &mut events);
        }
        Ok(events)
    }

    /// Ends the stream: an event not yet closed by a blank line is delivered.
    pub fn finish(&mut self) -> Result<Vec<SseEvent>, String> {
        let mut events = self.push(b"\n")?;
        self.line("", &mut events);
        Ok(events)
    }

    fn line(&mut self, line: &str, events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if !self.data.is_empty() {
                let data = std::mem::take(&mut self.data).join("\n");
                events.push(if data.trim() == "[DONE]" {
                    SseEvent::Done
                } else {
                    SseEvent::Data(data)
                });
            }
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        // llama.cpp has sent mid-stream failures as `error: {...}` lines; treat them as data so
        // the caller sees the `error` object.
        match field {
            "data" => self.data.push(value.to_owned()),
            "error" => self.data.push(format!("{{\"error\":{value}}}")),
            _ => {}
        }
    }
}
