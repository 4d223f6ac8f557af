// Files imported with `with { type: "text" | "file" }`: Bun gives a string (the text, or the file's path).
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "*/public/flow.js" {
  const path: string;
  export default path;
}
declare module "*/standalone.js" {
  const path: string;
  export default path;
}
declare module "*/public/dashboard.js" {
  const path: string;
  export default path;
}
declare module "*/public/flow-editor.js" {
  const path: string;
  export default path;
}
