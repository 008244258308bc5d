/// The few lines of Python that run a `<python>` call's code inside the
/// sandbox (written for this project): like an interactive session, the
/// value of a last bare expression is printed (unless it is None), and a
/// failure prints only the traceback of the model's own code on stderr.
/// The code comes as `sys.argv[1]`, so no quoting is involved.
enum PythonDriver {
    static let source = """
        import ast, sys, traceback
        code = sys.argv[1]
        sys.argv = ["<python>"]
        scope = {"__name__": "__main__", "__builtins__": __builtins__}
        try:
            tree = ast.parse(code, "<python>", "exec")
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<python>", "exec"), scope)
            if last is not None:
                value = eval(compile(last, "<python>", "eval"), scope)
                if value is not None:
                    print(value)
        except SystemExit:
            raise
        except BaseException as error:
            frames = error.__traceback__.tb_next if error.__traceback__ else None
            traceback.print_exception(type(error), error, frames)
            sys.exit(1)
        """
}
