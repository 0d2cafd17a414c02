export { announce as default } from "./recover.js";
