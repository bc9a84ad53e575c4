import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { applyInitialTheme } from "./app/theme";
import "./styles/tokens.css";
import "./styles/base.css";
import "./components/components.css";

// Paint the right theme before the first render: no light flash in dark mode.
applyInitialTheme();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
