using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plasticity.ML.Search.Space;

/// <summary>Writes a <see cref="ParameterSet"/> as one flat JSON object of name to value, and reads it back.</summary>
internal sealed class ParameterSetJsonConverter : JsonConverter<ParameterSet>
{
    private static readonly ParameterValueJsonConverter ValueConverter = new();

    public override ParameterSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"A parameter set must be a JSON object of name to value; got {reader.TokenType}.");
        var values = new List<KeyValuePair<string, ParameterValue>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            ParameterValue value;
            try
            {
                value = ValueConverter.Read(ref reader, typeof(ParameterValue), options);
            }
            catch (JsonException e)
            {
                throw new JsonException($"Parameter \"{name}\": {e.Message}", e);
            }
            values.Add(new(name, value));
        }
        try
        {
            return new ParameterSet(values);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, ParameterSet value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, parameter) in value)
        {
            writer.WritePropertyName(name);
            ValueConverter.Write(writer, parameter, options);
        }
        writer.WriteEndObject();
    }
}
