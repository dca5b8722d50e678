// The live push channel (docs/api.md): POST /api/v1/stream/ticket, then a WebSocket to
// /api/v1/stream?ticket=… . Frames go to every listener; the connection comes back after a
// drop (a new ticket each time). One Stream per signed-in session, owned by the App.
import { ApiError, post } from "./api";

export interface MessageFrame {
  kind: "message";
  id: string;
  precedence: string;
  subject: string;
  body?: string;
  lang?: string;
  object_refs?: string[];
  sent_at?: string;
  from?: { party?: string; user?: string };
  realert?: number;
  escalated_for?: string | null;
}
export interface DeliveryFrame {
  kind: "delivery";
  message_id: string;
  recipient: string;
  state: string;
  at?: string;
}
export type Frame = MessageFrame | DeliveryFrame;
export type StreamState = "connecting" | "live" | "unavailable" | "down";


export class Stream {
  private ws: WebSocket | null = null;
  private timer: number | undefined;
  private stopped = false;
  private frameListeners = new Set<(f: Frame) => void>();
  private stateListeners = new Set<(s: StreamState) => void>();
  state: StreamState = "connecting";

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
  }

  onFrame(fn: (f: Frame) => void): () => void {
    this.frameListeners.add(fn);
    return () => this.frameListeners.delete(fn);
  }

  onState(fn: (s: StreamState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  send(frame: { kind: "received" | "read" | "ack"; id: string }): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private setState(s: StreamState): void {
    this.state = s;
    this.stateListeners.forEach((fn) => fn(s));
  }

  private retry(ms: number): void {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.connect(), ms);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState("connecting");
    let ticket: string;
    try {
      ticket = (await post<{ ticket: string }>("/api/v1/stream/ticket")).ticket;
    } catch (e) {
      const unavailable = e instanceof ApiError && e.unavailable;
      this.setState(unavailable ? "unavailable" : "down");
      this.retry(unavailable ? 60_000 : 3_000);
      return;
    }
    if (this.stopped) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/api/v1/stream?ticket=${encodeURIComponent(ticket)}`);
    this.ws = ws;
    ws.onopen = () => this.setState("live");
    ws.onmessage = (ev) => {
      let f: Frame;
      try {
        f = JSON.parse(String(ev.data)) as Frame;
      } catch {
        return;
      }
      if (f.kind === "message") this.send({ kind: "received", id: f.id });
      this.frameListeners.forEach((fn) => fn(f));
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState("down");
      this.retry(2_000);
    };
  }
}

let audio: AudioContext | null = null;

/** Creates the audio context inside a user gesture (browsers keep it suspended otherwise). */
export function unlockAudio(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") void audio.resume();
  } catch {
    audio = null;
  }
}

/** Three short high beeps for FLASH (WebAudio, no asset). True if the sound could play. */
export function flashBeep(): boolean {
  try {
    unlockAudio();
    if (!audio) return false;
    const now = audio.currentTime;
    for (let i = 0; i < 3; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, now + i * 0.3);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.3 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.3 + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.3);
      osc.stop(now + i * 0.3 + 0.22);
    }
    return audio.state === "running";
  } catch {
    return false;
  }
}
