"""The Jupyter widgets protocol (2.1, as ipywidgets 8 speaks it) against the running kernel.

jupyter_client plays the front end's side, as JupyterLab's widget manager does:
it receives the comm_open of each model, sends updates (with binary buffers),
request_state, request_states on the jupyter.widget.control comm and comm_close,
and checks the echo_update, the callbacks' output in the Output widget, errors,
coalescing of a fast drag and the interrupt of a slow callback.
"""

import time
import uuid

from test_jupyter_client import jupyter_path, kernel  # noqa: F401  (fixtures)

VIEW = "application/vnd.jupyter.widget-view+json"


def until_idle(kc, msg_id, timeout=20):
    """iopub messages whose parent is msg_id, up to its status idle."""
    out = []
    deadline = time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return out
        out.append(m)


def execute(kc, code):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "ok", reply["content"]
    return until_idle(kc, msg_id)


def send(kc, msg_type, content, buffers=None):
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers)
    return msg["header"]["msg_id"]


def update(kc, comm_id, state, buffer_paths=(), buffers=None):
    return send(kc, "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": list(buffer_paths)}}, buffers)


def opened(msgs):
    """model name -> list of (comm id, state) of the comm_open messages."""
    models = {}
    for m in msgs:
        if m["msg_type"] == "comm_open":
            c = m["content"]
            assert c["target_name"] == "jupyter.widget"
            assert m["metadata"]["version"] == "2.1.0"
            st = c["data"]["state"]
            models.setdefault(st["_model_name"], []).append((c["comm_id"], st))
    return models


def output_texts(outputs):
    parts = []
    for o in outputs:
        if o["output_type"] == "stream":
            parts.append(o["text"])
        elif o["output_type"] in ("display_data", "execute_result"):
            parts.append(o["data"].get("text/plain", ""))
        elif o["output_type"] == "error":
            parts.append(o["ename"] + ": " + o["evalue"])
    return "\n".join(parts)


def output_updates(msgs, out_id):
    return [m["content"]["data"]["state"]["outputs"] for m in msgs
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == out_id
            and m["content"]["data"].get("method") == "update" and "outputs" in m["content"]["data"]["state"]]


INTERACT = '''
s := display.FloatSlider("a", -3, 3, 0.1, 0.5)
display.Interact(func(a float64) string {
	fmt.Println("printed", a)
	if a > 2.5 {
		panic(fmt.Sprintf("a is too large: %g", a))
	}
	return fmt.Sprintf("value %.1f", a)
}, s)
'''


def test_interact_protocol(kernel):
    km, kc = kernel
    msgs = execute(kc, INTERACT)
    models = opened(msgs)
    for name in ("FloatSliderModel", "OutputModel", "VBoxModel", "LayoutModel", "SliderStyleModel"):
        assert name in models, (name, sorted(models))
    slider_id, slider = models["FloatSliderModel"][0]
    assert slider["_model_module"] == "@jupyter-widgets/controls"
    assert slider["_model_module_version"] == "2.0.0"
    assert slider["value"] == 0.5 and slider["min"] == -3 and slider["max"] == 3
    assert slider["layout"].startswith("IPY_MODEL_") and slider["style"].startswith("IPY_MODEL_")
    out_id, out = models["OutputModel"][0]
    first = (output_updates(msgs, out_id) or [out["outputs"]])[-1]
    assert "value 0.5" in output_texts(first), first
    # What the first call prints goes to the Output widget, not below the cell.
    assert "printed 0.5" in output_texts(first), first
    assert not [m for m in msgs if m["msg_type"] == "stream" and "printed" in m["content"]["text"]]
    box_id, box = models["VBoxModel"][0]
    assert box["children"] == ["IPY_MODEL_" + slider_id, "IPY_MODEL_" + out_id]
    # The view is displayed after its models were opened.
    views = [m for m in msgs if m["msg_type"] == "display_data" and VIEW in m["content"]["data"]]
    assert len(views) == 1 and views[0]["content"]["data"][VIEW]["model_id"] == box_id
    assert msgs.index(views[0]) > max(i for i, m in enumerate(msgs) if m["msg_type"] == "comm_open")

    # comm_info lists the open widget comms.
    info_id = kc.comm_info(target_name="jupyter.widget")
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == info_id
    assert reply["content"]["comms"][slider_id] == {"target_name": "jupyter.widget"}

    # The front end moves the slider: echo_update, then the callback's output
    # in the Output widget, all with the comm_msg as parent, inside busy/idle.
    mid = update(kc, slider_id, {"value": 1.5})
    got = until_idle(kc, mid)
    assert got[0]["msg_type"] == "status" and got[0]["content"]["execution_state"] == "busy"
    echo = [m for m in got if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "echo_update"]
    assert echo and echo[0]["content"]["comm_id"] == slider_id and echo[0]["content"]["data"]["state"] == {"value": 1.5}
    outs = output_updates(got, out_id)
    assert len(outs) == 1, got
    text = output_texts(outs[-1])
    assert "printed 1.5" in text and "value 1.5" in text and "value 0.5" not in text, text

    # An error in the callback is shown in the Output widget; the kernel goes on.
    mid = update(kc, slider_id, {"value": 2.8})
    outs = output_updates(until_idle(kc, mid), out_id)
    errors = [o for o in outs[-1] if o["output_type"] == "error"]
    assert errors and "a is too large: 2.8" in errors[0]["evalue"], outs[-1]

    # request_state: the full state comes back as an update.
    mid = send(kc, "comm_msg", {"comm_id": slider_id, "data": {"method": "request_state"}})
    got = [m for m in until_idle(kc, mid) if m["msg_type"] == "comm_msg"]
    assert got and got[0]["content"]["data"]["method"] == "update"
    assert got[0]["content"]["data"]["state"]["value"] == 2.8
    assert got[0]["content"]["data"]["state"]["_model_name"] == "FloatSliderModel"

    # The kernel side sees the front end's value.
    msgs = execute(kc, "s.Float()")
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert res and res[0]["content"]["data"]["text/plain"] == "2.8"

    # comm_close from the front end: the comm is gone.
    mid = send(kc, "comm_close", {"comm_id": slider_id, "data": {}})
    until_idle(kc, mid)
    kc.comm_info(target_name="jupyter.widget")
    reply = kc.get_shell_msg(timeout=10)
    assert slider_id not in reply["content"]["comms"]


def test_binary_buffers_and_control_comm(kernel):
    km, kc = kernel
    msgs = execute(kc, 't := display.Text("name", "x")\nt')
    text_id, _ = opened(msgs)["TextModel"][0]

    # An update carrying a binary buffer is applied and echoed with it.
    blob = bytes([0, 1, 2, 255])
    mid = update(kc, text_id, {"value": "y", "blob": None}, buffer_paths=[["blob"]], buffers=[blob])
    got = until_idle(kc, mid)
    echo = [m for m in got if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "echo_update"]
    assert echo, got
    assert echo[0]["content"]["data"]["buffer_paths"] == [["blob"]]
    assert [bytes(b) for b in echo[0]["buffers"]] == [blob]
    assert echo[0]["content"]["data"]["state"]["value"] == "y"

    # The kernel can read it: a []byte in the state.
    msgs = execute(kc, 'b := t.Get("blob").([]byte)\nfmt.Println(len(b), b[3], t.Text())')
    assert "4 255 y" in "".join(m["content"].get("text", "") for m in msgs if m["msg_type"] == "stream")

    # jupyter.widget.control: request_states returns every model, buffers
    # moved out with paths from the top of the states object.
    ctl = str(uuid.uuid4())
    mid = send(kc, "comm_open", {"comm_id": ctl, "target_name": "jupyter.widget.control", "data": {}})
    got = until_idle(kc, mid)
    assert not [m for m in got if m["msg_type"] == "comm_close"], got
    mid = send(kc, "comm_msg", {"comm_id": ctl, "data": {"method": "request_states"}})
    got = [m for m in until_idle(kc, mid) if m["msg_type"] == "comm_msg"]
    assert got and got[0]["content"]["data"]["method"] == "update_states"
    states = got[0]["content"]["data"]["states"]
    assert states[text_id]["model_name"] == "TextModel"
    assert states[text_id]["model_module_version"] == "2.0.0"
    assert states[text_id]["state"]["value"] == "y"
    assert [text_id, "state", "blob"] in got[0]["content"]["data"]["buffer_paths"]
    assert blob in [bytes(b) for b in got[0]["buffers"]]

    # A comm_open for an unknown target is closed at once.
    other = str(uuid.uuid4())
    mid = send(kc, "comm_open", {"comm_id": other, "target_name": "no.such.target", "data": {}})
    got = until_idle(kc, mid)
    assert any(m["msg_type"] == "comm_close" and m["content"]["comm_id"] == other for m in got)


def test_button_click_and_observe(kernel):
    km, kc = kernel
    code = '''
out := display.Output()
clicks := 0
b := display.Button("go").OnClick(func() { clicks++; fmt.Println("clicked", clicks) }).OutputTo(out)
display.Show(display.VBox(b, out))
'''
    models = opened(execute(kc, code))
    button_id, _ = models["ButtonModel"][0]
    out_id, _ = models["OutputModel"][0]
    for n in (1, 2):
        mid = send(kc, "comm_msg", {"comm_id": button_id, "data": {"method": "custom", "content": {"event": "click"}}})
        outs = output_updates(until_idle(kc, mid), out_id)
        assert outs and f"clicked {n}" in output_texts(outs[-1]), outs


def test_fast_drag_is_coalesced(kernel):
    km, kc = kernel
    code = '''
calls := 0
s := display.IntSlider("n", 0, 100, 1, 0)
display.Interact(func(n int) string { calls++; time.Sleep(100 * time.Millisecond); return fmt.Sprint("n=", n) }, s)
'''
    models = opened(execute(kc, 'import "time"\n' + code))
    slider_id, _ = models["IntSliderModel"][0]
    out_id, _ = models["OutputModel"][0]
    ids = [update(kc, slider_id, {"value": v}) for v in range(1, 21)]
    last = None
    for mid in ids:
        got = until_idle(kc, mid)
        outs = output_updates(got, out_id)
        if outs:
            last = outs[-1]
    assert last is not None and "n=20" in output_texts(last)
    msgs = execute(kc, "calls")
    calls = int([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"])
    # One call in the cell, then far fewer than one per update.
    assert 2 <= calls <= 10, calls


def interrupt_callback(km, kc):
    """Shows an Interact whose callback spins at x == 7, moves the slider
    there and interrupts; returns the slider's and the Output's comm ids."""
    code = '''
s := display.FloatSlider("x", 0, 10, 1, 0)
display.Interact(func(x float64) string {
	if x == 7 {
		for {
		}
	}
	return fmt.Sprint("x=", x)
}, s)
'''
    models = opened(execute(kc, code))
    slider_id, _ = models["FloatSliderModel"][0]
    out_id, _ = models["OutputModel"][0]
    mid = update(kc, slider_id, {"value": 7})
    # Wait for busy, then interrupt the running callback.
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") == mid and m["msg_type"] == "status":
            assert m["content"]["execution_state"] == "busy"
            break
    time.sleep(0.5)
    km.interrupt_kernel()
    outs = output_updates(until_idle(kc, mid, timeout=20), out_id)
    assert outs and "Interrupted" in output_texts(outs[-1]), outs
    return slider_id, out_id


def test_interrupt_slow_callback(kernel):
    km, kc = kernel
    interrupt_callback(km, kc)
    # The kernel runs cells again, and callbacks of widgets made after the
    # interrupt.
    msgs = execute(kc, "1 + 1")
    assert [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "2"
    models = opened(execute(kc, 't := display.IntSlider("t", 0, 5, 1, 0)\ndisplay.Interact(func(t int) string { return fmt.Sprint("t=", t) }, t)'))
    slider_id, _ = models["IntSliderModel"][0]
    out_id, _ = models["OutputModel"][0]
    mid = update(kc, slider_id, {"value": 4})
    outs = output_updates(until_idle(kc, mid), out_id)
    assert outs and "t=4" in output_texts(outs[-1]), outs


def test_callback_runs_again_after_interrupt(kernel):
    km, kc = kernel
    slider_id, out_id = interrupt_callback(km, kc)
    mid = update(kc, slider_id, {"value": 3})
    outs = output_updates(until_idle(kc, mid), out_id)
    assert outs and "x=3" in output_texts(outs[-1]), outs


def first_outputs(msgs):
    """The outputs of the Output widget of the Interact a cell showed."""
    models = opened(msgs)
    out_id, out = models["OutputModel"][-1]
    return (output_updates(msgs, out_id) or [out["outputs"]])[-1]


def test_callback_errors_are_named_with_lines(kernel):
    """QA rows 5-7: the first call's error is named like a cell's (ShapeError,
    RuntimeError) with the line inside the function; os.Exit in a callback
    says the callback stopped, not the cell."""
    km, kc = kernel
    msgs = execute(kc, '''import "os"
display.Interact(func(a float64) any {
	x := ad.New([]float64{1, 2, 3})
	if a > 4 {
		os.Exit(3)
	}
	return ad.Add(x, ad.New([]float64{1, 2}))
}, display.FloatSlider("a", 0, 5, 1, 1))''')
    errs = [o for o in first_outputs(msgs) if o["output_type"] == "error"]
    assert errs and errs[0]["ename"] == "ShapeError", errs
    tb = "\n".join(errs[0]["traceback"])
    assert "in the function given to display.Interact" in tb, tb
    assert "line 7, in func literal" in tb and "return ad.Add(x, ad.New([]float64{1, 2}))" in tb, tb

    slider_id = opened(msgs)["FloatSliderModel"][-1][0]
    out_id = opened(msgs)["OutputModel"][-1][0]
    outs = output_updates(until_idle(kc, update(kc, slider_id, {"value": 5})), out_id)
    errs = [o for o in outs[-1] if o["output_type"] == "error"]
    assert errs and errs[0]["ename"] == "Exit", outs
    assert "the widget callback stopped" in errs[0]["evalue"] and "cell stopped" not in errs[0]["evalue"], errs[0]
    assert "line 5, in func literal" in "\n".join(errs[0]["traceback"]), errs[0]

    msgs = execute(kc, '''display.Interact(func(a float64) string {
	xs := []float64{1, 2}
	return fmt.Sprint(xs[int(a)])
}, display.FloatSlider("a", 0, 5, 1, 3))''')
    errs = [o for o in first_outputs(msgs) if o["output_type"] == "error"]
    assert errs and errs[0]["ename"] == "RuntimeError" and "index out of range" in errs[0]["evalue"], errs
    assert "line 3, in func literal" in "\n".join(errs[0]["traceback"]), errs[0]


def test_refused_interact_opens_no_models(kernel):
    """QA row 8: an Interact whose function does not fit its controls fails
    the cell and leaves no widget model behind in the front end."""
    km, kc = kernel
    for code in ['display.Interact(func(a, b float64) any { return a }, display.FloatSlider("a", 0, 5, 1, 0))',
                 'display.Interact(func(a string) any { return a }, display.FloatSlider("a", 0, 5, 1, 0))']:
        mid = kc.execute(code)
        reply = kc.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "display.Error", reply["content"]
        msgs = until_idle(kc, mid)
        assert not [m for m in msgs if m["msg_type"] == "comm_open"], [m["msg_type"] for m in msgs]
    kc.comm_info(target_name="jupyter.widget")
    assert kc.get_shell_msg(timeout=10)["content"]["comms"] == {}


def test_reset_closes_widgets(kernel):
    """QA row 9: after %reset the widgets made before it are closed (their
    callbacks would run forgotten definitions), and the cell says so."""
    km, kc = kernel
    msgs = execute(kc, 'f := func(a float64) any { return a * 2 }\n'
                       'display.Interact(func(a float64) any { return f(a) }, display.FloatSlider("a", 0, 5, 1, 1))')
    ids = {cid for cid, _ in sum(opened(msgs).values(), [])}
    msgs = execute(kc, "%reset -f")
    closed = {m["content"]["comm_id"] for m in msgs if m["msg_type"] == "comm_close"}
    assert ids <= closed, (ids - closed)
    text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
    assert "%reset closed the 3 widget(s)" in text, text
    kc.comm_info(target_name="jupyter.widget")
    assert kc.get_shell_msg(timeout=10)["content"]["comms"] == {}
