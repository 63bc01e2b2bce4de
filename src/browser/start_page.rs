//! The standalone start page, drawn with plain DOM calls from [`StartView`]: the light page
//! (`src/bin/launch.rs`) and the whole app (`ui::start`) both show it through here, so it needs no
//! UI framework. Every word is set as text (`textContent`, attributes), never parsed as HTML.

use super::{flow, location};
use crate::config::AppConfig;
use crate::problem::Problem;
use crate::smart::authorize::LaunchKind;
use crate::start::{self, Picker, StartView};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, Node};

/// Draws what follows a problem box inside `parent` (the whole app: the launch inspector in
/// debug mode).
pub type AfterProblem = Box<dyn Fn(&Element)>;

/// The start page on screen.
pub struct StartPage(Rc<Page>);

struct Page {
    document: Document,
    section: Element,
    /// The configuration's part of the page is drawn before this (empty) node.
    picker_end: Node,
    /// What is drawn for the configuration (loading line, servers and field, or a problem).
    picker: RefCell<Vec<Node>>,
    /// The controls that start a launch, disabled while one starts.
    controls: RefCell<Vec<Element>>,
    /// The status line and the problem box, redrawn on each change.
    tail: RefCell<Vec<Node>>,
    view: RefCell<StartView>,
    config: RefCell<Option<AppConfig>>,
    after_problem: Option<AfterProblem>,
}

impl StartPage {
    /// Draws the page for the current address in `parent`, in place of what it held; it says
    /// it is loading until [`StartPage::configured`].
    pub fn show(parent: &Element, after_problem: Option<AfterProblem>) -> StartPage {
        let document = location::window()
            .document()
            .expect("a window has a document");
        let view = StartView::new(&location::current_url());
        let section = element(&document, "section", &[("class", "start")]);
        set(&section, "data-testid", "server-picker");
        append(&section, &text_element(&document, "h1", start::TITLE));
        if view.signed_out {
            let notice = text_element(&document, "p", start::SIGNED_OUT);
            set(&notice, "class", "notice");
            set(&notice, "role", "status");
            set(&notice, "data-testid", "signed-out");
            append(&section, &notice);
        }
        let lede = text_element(&document, "p", start::LEDE);
        set(&lede, "class", "lede");
        append(&section, &lede);
        let picker_end: Node = document.create_text_node("").into();
        append(&section, &picker_end);
        parent.set_text_content(None);
        append(parent, &section);
        let page = Rc::new(Page {
            document,
            section,
            picker_end,
            picker: RefCell::default(),
            controls: RefCell::default(),
            tail: RefCell::default(),
            view: RefCell::new(view),
            config: RefCell::default(),
            after_problem,
        });
        draw_picker(&page);
        StartPage(page)
    }

    /// Shows the servers of `config`, or why there are none.
    pub fn configured(&self, config: Result<AppConfig, Problem>) {
        let page = &self.0;
        page.view
            .borrow_mut()
            .configured(config.as_ref().map_err(Clone::clone));
        *page.config.borrow_mut() = config.ok();
        draw_picker(page);
        draw_state(page);
    }
}

/// Starts a standalone launch with `text` as the issuer, as the view model decides.
fn connect(page: &Rc<Page>, text: &str) {
    let iss = page.view.borrow_mut().connect(text);
    draw_state(page);
    let (Some(iss), Some(config)) = (iss, page.config.borrow().clone()) else {
        return;
    };
    let page = Rc::clone(page);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(problem) = flow::begin(&config, iss, LaunchKind::Standalone).await {
            page.view.borrow_mut().failed(problem);
            draw_state(&page);
        }
    });
}

/// Draws the configuration's part: the loading line, the servers and the field, or a problem.
fn draw_picker(page: &Rc<Page>) {
    for node in page.picker.borrow_mut().drain(..) {
        remove(&node);
    }
    page.controls.borrow_mut().clear();
    let document = &page.document;
    let mut nodes: Vec<Node> = Vec::new();
    match page.view.borrow().picker.clone() {
        Picker::Loading => {
            let loading = text_element(document, "p", start::LOADING);
            set(&loading, "class", "muted");
            nodes.push(loading.into());
        }
        Picker::Unavailable(problem) => nodes.extend(problem_box(page, &problem)),
        Picker::Ready(servers) => {
            nodes.push(text_element(document, "h2", start::SERVERS_HEADING).into());
            let list = element(document, "ul", &[("class", "servers")]);
            for server in servers {
                let button = element(document, "button", &[("class", "server")]);
                set(&button, "data-iss", &server.iss);
                let name = text_element(document, "span", &server.label);
                set(&name, "class", "server-name");
                let address = text_element(document, "span", &server.iss);
                set(&address, "class", "server-url");
                append(&button, &name);
                append(&button, &address);
                let target = server.iss;
                on(&button, "click", page, move |page, _| {
                    connect(page, &target)
                });
                let item = element(document, "li", &[]);
                append(&item, &button);
                append(&list, &item);
                page.controls.borrow_mut().push(button);
            }
            nodes.push(list.into());
            nodes.push(other_server_form(page).into());
        }
    }
    for node in &nodes {
        let _ = page.section.insert_before(node, Some(&page.picker_end));
    }
    *page.picker.borrow_mut() = nodes;
}

/// The field for a server that is not listed; Enter in it submits, as the button does.
fn other_server_form(page: &Rc<Page>) -> Element {
    let document = &page.document;
    let form = element(document, "form", &[("class", "other-server")]);
    let label = text_element(document, "label", start::OTHER_SERVER);
    set(&label, "for", "server-url");
    let row = element(document, "div", &[("class", "row")]);
    let input = element(
        document,
        "input",
        &[
            ("id", "server-url"),
            ("type", "url"),
            ("placeholder", start::OTHER_SERVER_EXAMPLE),
            ("autocomplete", "url"),
        ],
    );
    let button = text_element(document, "button", start::CONNECT);
    set(&button, "id", "connect-url");
    set(&button, "type", "submit");
    append(&row, &input);
    append(&row, &button);
    append(&form, &label);
    append(&form, &row);
    let field: HtmlInputElement = input.unchecked_into();
    on(&form, "submit", page, move |page, event| {
        event.prevent_default();
        connect(page, &field.value());
    });
    page.controls.borrow_mut().push(button);
    form
}

/// Draws what changes with each attempt: the controls' state, the status line, the problem.
fn draw_state(page: &Rc<Page>) {
    let view = page.view.borrow().clone();
    for control in page.controls.borrow().iter() {
        if view.choosable() {
            let _ = control.remove_attribute("disabled");
        } else {
            set(control, "disabled", "");
        }
    }
    for node in page.tail.borrow_mut().drain(..) {
        remove(&node);
    }
    let mut tail: Vec<Node> = Vec::new();
    if let Some(line) = view.connecting_line() {
        let status = text_element(&page.document, "p", &line);
        set(&status, "class", "status-line");
        set(&status, "aria-live", "polite");
        tail.push(status.into());
    }
    if let Some(problem) = &view.problem {
        tail.extend(problem_box(page, problem));
    }
    for node in &tail {
        append(&page.section, node);
    }
    *page.tail.borrow_mut() = tail;
}

/// The problem in plain words with a way to start again (the markup of `ui::problem`'s
/// `LaunchProblem`), and what the page adds after it.
fn problem_box(page: &Page, problem: &Problem) -> Vec<Node> {
    let document = &page.document;
    let panel = element(
        document,
        "section",
        &[
            ("class", "problem"),
            ("role", "alert"),
            ("data-testid", "error"),
        ],
    );
    let title = text_element(document, "h2", &problem.title);
    set(&title, "data-testid", "error-title");
    let message = text_element(document, "p", &problem.message);
    set(&message, "data-testid", "error-message");
    append(&panel, &title);
    append(&panel, &message);
    if let Some(hint) = &problem.hint {
        let hint = text_element(document, "p", hint);
        set(&hint, "class", "hint");
        set(&hint, "data-testid", "error-hint");
        append(&panel, &hint);
    }
    let again = text_element(document, "a", "Start again");
    set(&again, "class", "button");
    set(&again, "href", "./");
    let line = element(document, "p", &[]);
    append(&line, &again);
    append(&panel, &line);
    let mut nodes = vec![Node::from(panel)];
    if let Some(after) = &page.after_problem {
        // Drawn into a detached holder, whose children then take their place on the page.
        let holder = element(document, "div", &[]);
        after(&holder);
        let children = holder.child_nodes();
        nodes.extend((0..children.length()).filter_map(|at| children.get(at)));
    }
    nodes
}

/// Calls `handler` with the page on each `kind` event at `target`. The listeners keep the page,
/// which stays until the browser leaves the document.
fn on(
    target: &Element,
    kind: &str,
    page: &Rc<Page>,
    handler: impl Fn(&Rc<Page>, web_sys::Event) + 'static,
) {
    let page = Rc::clone(page);
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event| handler(&page, event));
    let _ = target.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
    listener.forget();
}

fn element(document: &Document, tag: &str, attributes: &[(&str, &str)]) -> Element {
    let created = document
        .create_element(tag)
        .expect("a standard element name");
    for (name, value) in attributes {
        set(&created, name, value);
    }
    created
}

fn text_element(document: &Document, tag: &str, text: &str) -> Element {
    let created = element(document, tag, &[]);
    created.set_text_content(Some(text));
    created
}

fn set(target: &Element, name: &str, value: &str) {
    let _ = target.set_attribute(name, value);
}

fn append(parent: &Element, child: &Node) {
    let _ = parent.append_child(child);
}

fn remove(node: &Node) {
    if let Some(parent) = node.parent_node() {
        let _ = parent.remove_child(node);
    }
}
