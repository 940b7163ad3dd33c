// The try-it page: builds a form from GET schema, posts one record to predict, shows the answer.
// Plain DOM code with textContent only (no innerHTML), so no value from the data can inject
// markup; no library, so the page works offline and under a strict Content-Security-Policy.
"use strict";

const state = { fields: [], example: {} };

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function hint(field) {
  const missing = field.missing ? `; ${Math.round(field.missing * 100)}% missing in training` : "";
  if (field.kind === "number" && field.minimum !== null) {
    return `training range ${field.minimum} to ${field.maximum}${missing}`;
  }
  if (field.kind === "date" && field.minimum) {
    return `training range ${field.minimum.slice(0, 10)} to ${field.maximum.slice(0, 10)}${missing}`;
  }
  if (field.kind === "category") {
    const complete = field.levels_complete ? "" : " (most frequent listed; any text works)";
    return `${field.levels.length} known levels${complete}${missing}`;
  }
  if (field.kind === "text") {
    const longest = field.max_chars ? `, up to ${field.max_chars.toLocaleString("en")} characters` : "";
    return `free text${longest}${missing}`;
  }
  return missing.slice(2);
}

function control(field, id) {
  if (field.kind === "category" && field.levels_complete) {
    const select = element("select", { id, name: field.name });
    select.append(element("option", { value: "" }, "(missing)"));
    field.levels.forEach((level, i) => select.append(element("option", { value: String(i) }, String(level))));
    return select;
  }
  if (field.kind === "category") {
    const input = element("input", { id, name: field.name, list: `${id}-levels` });
    const options = element("datalist", { id: `${id}-levels` });
    field.levels.forEach((level) => options.append(element("option", { value: String(level) })));
    return [input, options];
  }
  if (field.kind === "number") {
    const attributes = { id, name: field.name, type: "number", step: "any" };
    if (field.minimum !== null) attributes.placeholder = `${field.minimum} – ${field.maximum}`;
    return element("input", attributes);
  }
  if (field.kind === "date") {
    return element("input", { id, name: field.name, type: field.has_time ? "datetime-local" : "date" });
  }
  if (field.kind === "text") return element("textarea", { id, name: field.name, rows: "4" });
  return element("input", { id, name: field.name, type: "text" });
}

function buildForm(schema) {
  const holder = document.getElementById("fields");
  schema.fields.forEach((field, i) => {
    const id = `field-${i}`;
    const row = element("div", { class: "field" });
    row.append(element("label", { for: id }, field.name));
    const made = control(field, id);
    row.append(...(Array.isArray(made) ? made : [made]));
    row.append(element("span", { class: "hint" }, hint(field)));
    holder.append(row);
  });
}

function fill(record) {
  state.fields.forEach((field, i) => {
    const input = document.getElementById(`field-${i}`);
    const value = record[field.name];
    if (value === undefined || value === null) {
      input.value = "";
    } else if (input.tagName === "SELECT") {
      const index = field.levels.findIndex((level) => String(level) === String(value));
      input.value = index < 0 ? "" : String(index);
    } else if (field.kind === "date") {
      input.value = field.has_time ? String(value).slice(0, 16) : String(value).slice(0, 10);
    } else {
      input.value = String(value);
    }
  });
}

function record() {
  const values = {};
  state.fields.forEach((field, i) => {
    const input = document.getElementById(`field-${i}`);
    if (input.value === "") return;
    if (input.tagName === "SELECT") values[field.name] = field.levels[Number(input.value)];
    else if (field.kind === "number") values[field.name] = Number(input.value);
    else values[field.name] = input.value;
  });
  return values;
}

function show(answer) {
  document.getElementById("error").hidden = true;
  const section = document.getElementById("answer");
  section.hidden = false;
  const value = answer.prediction;
  document.getElementById("prediction").textContent =
    typeof value === "number" && !Number.isInteger(value) ? value.toPrecision(6) : String(value);
  const table = document.getElementById("probabilities");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  table.hidden = !answer.probabilities;
  for (const [label, share] of Object.entries(answer.probabilities || {})) {
    const bar = element("div", { class: "bar" });
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    const cell = element("td");
    cell.append(bar);
    const row = element("tr");
    row.append(element("td", {}, label), element("td", {}, share.toFixed(4)), cell);
    body.append(row);
  }
  const warnings = document.getElementById("warnings");
  warnings.replaceChildren(...answer.warnings.map((text) => element("li", {}, text)));
}

function fail(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = false;
}

async function predict(event) {
  event.preventDefault();
  try {
    const response = await fetch("predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(record()),
    });
    const answer = await response.json();
    if (!response.ok) return fail(answer.detail || `The service answered ${response.status}.`);
    show(answer.predictions[0]);
  } catch (error) {
    fail(`The service could not be reached: ${error.message}`);
  }
}

async function start() {
  try {
    const response = await fetch("schema");
    const schema = await response.json();
    state.fields = schema.fields;
    state.example = schema.example;
    document.getElementById("title").textContent = `Predict ${schema.target}`;
    const cv = schema.cv;
    const score = cv.mean === null ? "" : `, cross-validated ${cv.label} ${cv.mean.toFixed(4)}`;
    // Without published rows (profile.samples off) the example is typical values, not a row.
    const start = schema.example_is_row ? "a row of the training data" : "typical values";
    document.getElementById("about").textContent =
      `${schema.model} (${schema.task}${score}), version ${schema.version}. ` +
      `The form starts with ${start}; change any value and predict.`;
    if (!schema.example_is_row) {
      document.getElementById("example").textContent = "Fill with typical values";
    }
    buildForm(schema);
    fill(state.example);
  } catch (error) {
    fail(`The model's inputs could not be loaded: ${error.message}`);
  }
}

document.getElementById("record").addEventListener("submit", predict);
document.getElementById("example").addEventListener("click", () => fill(state.example));
document.getElementById("clear").addEventListener("click", () => fill({}));
start();
