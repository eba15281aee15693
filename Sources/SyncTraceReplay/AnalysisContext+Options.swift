extension AnalysisContext {
    /// The values of `plugin`'s options for this replay (``AnalysisPlugin/options``): those the run
    /// was given (`synctrace analyze --option PLUGIN.KEY=VALUE`, or
    /// ``TraceAnalysis/run(source:plugins:options:path:)``), the declared defaults for the rest.
    /// The same from the first event to ``AnalysisPlugin/finish(in:)``: a plugin that needs a value
    /// at every event reads it once and keeps it.
    public func optionValues(for plugin: any AnalysisPlugin) -> PluginOptionValues {
        self.pluginOptions[plugin.name] ?? PluginOptionValues(defaultsOf: plugin)
    }
}
