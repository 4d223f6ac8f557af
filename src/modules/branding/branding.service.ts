// Workspace logos: checked (PNG/JPEG by their bytes, SVG through the allowlist), stored, and served by this
// server so the hosted page never loads a third-party image.
import type { Clock } from "../../lib/clock.ts";
import { AppError } from "../../lib/app-error.ts";
import type { WorkspaceService } from "../workspaces/workspaces.service.ts";
import type { BrandingStore, Logo } from "./branding.store.ts";
import { SvgRefused, sanitizeSvg } from "./svg-sanitize.ts";

export const LOGO_MAX_BYTES = 256 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, sig: number[]) => sig.every((b, i) => bytes[i] === b);

/** What the bytes are, whatever the file name or the browser claimed. */
function sniff(bytes: Uint8Array): "image/png" | "image/jpeg" | "image/svg+xml" | null {
  if (startsWith(bytes, PNG)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith("<svg") || head.startsWith("<?xml") || head.startsWith("<!--")) return "image/svg+xml";
  return null;
}

export function logoPath(workspaceId: string, digest: string): string {
  return `/logos/${workspaceId}?v=${digest.slice(0, 16)}`;
}

export function createBrandingService(deps: { brandingStore: BrandingStore; workspaceService: WorkspaceService; clock: Clock }) {
  const { brandingStore, workspaceService, clock } = deps;
  return {
    /** Stores a logo and points the workspace at it; a 400 names what is wrong with the file. */
    async upload(workspaceId: string, bytes: Uint8Array): Promise<Logo> {
      if (bytes.byteLength === 0) throw new AppError(400, "logo: choose a file");
      if (bytes.byteLength > LOGO_MAX_BYTES) throw new AppError(400, "logo: the file must be at most 256 KB");
      const type = sniff(bytes);
      if (!type) throw new AppError(400, "logo: use a PNG, JPEG or SVG file");
      let body = bytes;
      if (type === "image/svg+xml") {
        try {
          body = new TextEncoder().encode(sanitizeSvg(new TextDecoder("utf-8", { fatal: true }).decode(bytes)));
        } catch (error) {
          if (error instanceof SvgRefused) throw new AppError(400, `logo: this SVG is refused (${error.message}); export a plain SVG or use PNG`);
          if (error instanceof TypeError) throw new AppError(400, "logo: the SVG is not valid UTF-8");
          throw error;
        }
      }
      const digest = new Bun.CryptoHasher("sha256").update(body).digest("hex");
      const logo: Logo = { workspaceId, contentType: type, body, digest, updatedAt: clock.now() };
      await brandingStore.save(logo);
      await workspaceService.update(workspaceId, { logoUrl: logoPath(workspaceId, digest) });
      return logo;
    },

    async remove(workspaceId: string): Promise<void> {
      await brandingStore.remove(workspaceId);
      await workspaceService.update(workspaceId, { logoUrl: null });
    },

    get: (workspaceId: string) => brandingStore.find(workspaceId),
  };
}

export type BrandingService = ReturnType<typeof createBrandingService>;
