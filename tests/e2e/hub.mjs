// A throw-away demo hub for the end-to-end tests: `tansiq demo` (four parties iq, ru, sy, ir
// with officers and chiefs of staff, the Arabic report) on 127.0.0.1:0, serving the built
// web UI (web/dist) at /. Also small HTTP helpers (Basic auth) to seed data as a user would
// through TAXII. Node.js stdlib only.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync, openSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";

export const REPO = resolve(new URL("../..", import.meta.url).pathname);
export const WEB_ROOT = join(REPO, "web", "dist");
const REPORT = join(REPO, "..", "shared", "data", "reports", "ar-joint-operations-centre.txt");
export const TAXII = "application/taxii+json;version=2.1";
export const TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
export const TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

export const password = (user) => `demo-${user}`;

export class Hub {
  static async start() {
    const bin = process.env.TANSIQ_BIN || join(REPO, "build", "default", "cli", "tansiq");
    if (!existsSync(bin)) throw new Error(`tansiq binary not found at ${bin}; set TANSIQ_BIN`);
    if (!existsSync(join(WEB_ROOT, "index.html"))) throw new Error(`web UI not built (${WEB_ROOT}); run scripts/build-web`);
    const hub = new Hub();
    hub.dir = mkdtempSync(join(tmpdir(), "tansiq-e2e-"));
    const portFile = join(hub.dir, "port");
    hub.logFile = join(hub.dir, "server.log");
    const log = openSync(hub.logFile, "a");
    hub.proc = spawn(bin, ["demo", "--dir", join(hub.dir, "hub"), "--listen", "127.0.0.1:0", "--port-file", portFile, "--web-root", WEB_ROOT, "--report", REPORT], {
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    hub.exited = new Promise((res) => hub.proc.on("exit", (code, sig) => res(code ?? sig)));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (hub.proc.exitCode !== null) throw new Error(`tansiq demo exited ${hub.proc.exitCode}:\n${hub.logTail()}`);
      if (existsSync(portFile)) {
        const txt = readFileSync(portFile, "utf8").trim();
        if (/^\d+$/.test(txt)) {
          hub.port = Number(txt);
          break;
        }
      }
      await sleep(50);
    }
    if (!hub.port) {
      await hub.stop();
      throw new Error(`tansiq demo wrote no port file\n${hub.logTail()}`);
    }
    hub.base = `http://127.0.0.1:${hub.port}`;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`${hub.base}/taxii2/`, { headers: { Accept: TAXII } });
        await r.arrayBuffer();
        return hub;
      } catch {
        await sleep(50);
      }
    }
    await hub.stop();
    throw new Error(`tansiq demo does not answer\n${hub.logTail()}`);
  }

  logTail(n = 4000) {
    try {
      return readFileSync(this.logFile, "utf8").slice(-n);
    } catch {
      return "";
    }
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!process.env.TANSIQ_KEEP_TMP) rmSync(this.dir, { recursive: true, force: true });
  }

  /** An HTTP request as `user` (Basic auth). Returns { status, headers, json, text }. */
  async request(method, path, { user, body, accept = "application/json", contentType } = {}) {
    const headers = { Accept: accept };
    if (user) headers.Authorization = "Basic " + Buffer.from(`${user}:${password(user)}`).toString("base64");
    if (body !== undefined) headers["Content-Type"] = contentType ?? "application/json";
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: r.status, headers: r.headers, json, text };
  }

  async parties(user = "iq-officer") {
    const r = await this.request("GET", "/api/v1/parties", { user });
    if (r.status !== 200) throw new Error(`parties: ${r.status} ${r.text}`);
    return Object.fromEntries(r.json.map((p) => [p.id, p.identity]));
  }

  /** Posts STIX objects to the coalition collection through TAXII; throws unless all stored. */
  async postObjects(user, objects) {
    const cols = await this.request("GET", "/taxii2/hub/collections/", { user, accept: TAXII });
    const coalition = cols.json.collections.find((c) => c.alias === "coalition");
    const r = await this.request("POST", `/taxii2/hub/collections/${coalition.id}/objects/`, { user, accept: TAXII, contentType: TAXII, body: { objects } });
    if (r.status !== 202 || r.json.failure_count || r.json.success_count !== objects.length) {
      throw new Error(`post objects: ${r.status} ${r.text}`);
    }
  }
}

export function sdo(type, createdBy, props) {
  const now = new Date().toISOString();
  return { type, spec_version: "2.1", id: `${type}--${randomUUID()}`, created: now, modified: now, created_by_ref: createdBy, ...props };
}
