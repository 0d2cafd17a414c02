export { cancel as default } from "./recover.js";
