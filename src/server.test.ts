// Start-up messages for people: the terminal hint, and listen errors that name the variable to change.
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { ConfigError, testConfig } from "./config.ts";
import { listenError, startupHint } from "./server.ts";

describe("startupHint", () => {
  test("names the URL, the API reference, and how to create the first workspace", () => {
    const hint = startupHint({ url: "http://localhost:3000", dataDir: path.resolve("data"), hasWorkspace: false });
    expect(hint).toContain("listening on http://localhost:3000");
    expect(hint).toContain("http://localhost:3000/swagger");
    expect(hint).toContain('npx holdfast workspace create --name "My app"');
    expect(hint).not.toContain("HOLDFAST_DATA_DIR");
  });

  test("carries a non-default data directory into the command; says nothing about workspaces once there is one", () => {
    expect(startupHint({ url: "http://h:1", dataDir: "/srv/hf", hasWorkspace: false })).toContain("HOLDFAST_DATA_DIR=/srv/hf npx holdfast workspace create");
    expect(startupHint({ url: "http://h:1", dataDir: "/srv/hf", hasWorkspace: true })).not.toContain("workspace create");
  });
});

describe("listenError", () => {
  const config = testConfig({ host: "999.1.1.1", port: 8080 });
  test.each([
    ["EINVAL", "Invalid HOST: 999.1.1.1 is not an address of this machine (EINVAL)"],
    ["EADDRNOTAVAIL", "Invalid HOST: 999.1.1.1 is not an address of this machine (EADDRNOTAVAIL)"],
    ["EADDRINUSE", "Invalid PORT: 8080 is already in use; set PORT to a free port"],
    ["EACCES", "Invalid PORT: 8080 needs privileges"],
  ])("%s names the variable", (code, message) => {
    const error = listenError(Object.assign(new Error(`${code}: listen`), { code }), config);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toStartWith(message);
  });

  test("a real bind to an address this machine lacks", () => {
    let thrown: unknown;
    try {
      Bun.serve({ port: 0, hostname: "999.1.1.1", fetch: () => new Response() }).stop(true);
    } catch (error) {
      thrown = error;
    }
    expect(listenError(thrown, config).message).toStartWith("Invalid HOST: 999.1.1.1");
  });
});
